// Starts GraphiQL on the pinned build beside this file. The headers editor is open and starts
// with an Authorization header to complete; GraphiQL keeps headers, queries and tabs in the
// browser's localStorage, so a token pasted once stays for the next visit.
(function () {
  "use strict";

  var endpoint = window.location.href.split(/[?#]/)[0];

  var welcome = [
    "# The PMO API. Paste a token in Headers (below), then run this with Ctrl-Enter.",
    "# The Docs button (top left) lists every type and field.",
    "{",
    "  viewer { fullName roles }",
    "  projects(first: 5, orderBy: [{field: HEALTH, direction: DESC}]) {",
    "    totalCount",
    "    nodes { code name status health }",
    "  }",
    "}",
    "",
  ].join("\n");

  var placeholder = "Bearer <paste a token from `pmo token <email>`>";
  var headerTemplate = JSON.stringify({ Authorization: placeholder }, null, 2);
  var noToken = "No token yet: paste one into Headers as " +
    "{\"Authorization\": \"Bearer <token>\"} (pmo token <email> prints one).";

  // The Authorization header the headers editor holds, if it holds a real one.
  function authorizationOf(headers) {
    var value = headers && (headers.Authorization || headers.authorization);
    return typeof value === "string" && /^Bearer [^\s<>]+$/.test(value) ? value : null;
  }

  function headersIn(text) {
    try {
      return JSON.parse(text || "{}");
    } catch (e) {
      return null;
    }
  }

  var http = GraphiQL.createFetcher({ url: endpoint });

  // Without a token the server answers 401: say what to do instead of asking it. A new
  // function per token makes GraphiQL load the schema again (Docs, completion) once one is
  // pasted.
  function fetcherFor(authorization) {
    return function (params, options) {
      if (!authorizationOf(options && options.headers)) {
        return Promise.resolve({
          errors: [{ message: noToken, extensions: { code: "UNAUTHENTICATED" } }],
        });
      }
      return http(params, options);
    };
  }

  var explorer = GraphiQLPluginExplorer.explorerPlugin();
  var stored = window.localStorage.getItem("graphiql:headers");

  function App() {
    var initial = authorizationOf(headersIn(stored));
    var state = React.useState({ token: initial, fetcher: fetcherFor(initial) });
    var current = state[0];
    var setCurrent = state[1];

    function onEditHeaders(text) {
      var token = authorizationOf(headersIn(text));
      if (token !== current.token) {
        setCurrent({ token: token, fetcher: fetcherFor(token) });
      }
    }

    return React.createElement(GraphiQL, {
      fetcher: current.fetcher,
      plugins: [explorer],
      defaultQuery: welcome,
      defaultHeaders: headerTemplate,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      inputValueDeprecation: true,
      onEditHeaders: onEditHeaders,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(App));
})();
