// The graphql-http server audit (GraphQL over HTTP spec conformance) against a live server.
// Usage: node graphql_http_audit.mjs URL TOKEN   (graphql-http resolved from NODE_PATH)
// Every MUST and every SHOULD must pass; MAY audits are reported only.
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
let failed = 0;
for (const result of results) {
  const required = result.name.startsWith('MUST') || result.name.startsWith('SHOULD');
  const bad = result.status !== 'ok';
  if (bad && required) failed += 1;
  const mark = result.status === 'ok' ? 'ok  ' : required ? 'FAIL' : 'note';
  console.log(`${mark} ${result.name}${bad ? ` -- ${result.reason}` : ''}`);
}
console.log(`${results.length} audits, ${failed} MUST/SHOULD not passed`);
process.exit(failed ? 1 : 0);
