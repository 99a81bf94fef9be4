// The governance template editor (admin/governance.py): gates and their checklist items on
// one screen. The page's state is read from #structure-data, edited here, and sent back as
// JSON in the hidden #structure-field when the form is saved.
(function () {
  "use strict";
  var form = document.getElementById("governance-form");
  if (!form) {
    return;
  }
  var gates = JSON.parse(document.getElementById("structure-data").textContent);
  var roles = JSON.parse(document.getElementById("role-data").textContent);
  var host = document.getElementById("gates");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attrs[key];
      } else if (key === "checked") {
        node.checked = attrs[key];
      } else if (key === "value") {
        node.value = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function button(label, name, onClick) {
    var b = el("button", { type: "button", class: "btn btn-sm", "data-action": name,
                           text: label });
    b.addEventListener("click", function () { read(); onClick(); draw(); });
    return b;
  }

  function move(list, index, by) {
    var to = index + by;
    if (to < 0 || to >= list.length) {
      return;
    }
    var moved = list.splice(index, 1)[0];
    list.splice(to, 0, moved);
  }

  // The DOM back into the state (before any change of shape, and before saving).
  function read() {
    host.querySelectorAll(".gate").forEach(function (card, g) {
      var gate = gates[g];
      gate.name = card.querySelector(".gate-name").value;
      gate.approver_role = card.querySelector(".gate-role").value;
      gate.description = card.querySelector(".gate-description").value;
      gate.takes_baseline = card.querySelector(".gate-baseline").checked;
      card.querySelectorAll(".item").forEach(function (row, i) {
        gate.items[i].text = row.querySelector(".item-text").value;
        gate.items[i].mandatory = row.querySelector(".item-mandatory").checked;
      });
    });
  }

  function draw() {
    host.textContent = "";
    gates.forEach(function (gate, g) {
      var role = el("select", { class: "form-select gate-role", "aria-label": "Decided by" },
        roles.map(function (r) {
          var option = el("option", { value: r[0], text: r[1] });
          option.selected = r[0] === gate.approver_role;
          return option;
        }));
      var items = el("ol", { class: "items list-unstyled" });
      gate.items.forEach(function (item, i) {
        items.appendChild(el("li", { class: "item d-flex gap-2 align-items-center mb-1" }, [
          el("span", { class: "text-secondary", text: (g + 1) + "." + (i + 1) }),
          el("input", { class: "form-control item-text", value: item.text,
                        "aria-label": "Checklist item", placeholder: "What must be done" }),
          el("label", { class: "form-check mb-0 text-nowrap" }, [
            el("input", { type: "checkbox", class: "form-check-input item-mandatory",
                          checked: item.mandatory }),
            el("span", { class: "form-check-label", text: "mandatory" })]),
          button("Up", "item-up", function () { move(gate.items, i, -1); }),
          button("Down", "item-down", function () { move(gate.items, i, 1); }),
          button("Remove", "item-remove", function () { gate.items.splice(i, 1); })]));
      });
      host.appendChild(el("div", { class: "gate card mb-3" }, [
        el("div", { class: "card-header d-flex gap-2 align-items-center" }, [
          el("strong", { text: "Gate " + (g + 1) }),
          el("input", { class: "form-control gate-name", value: gate.name,
                        "aria-label": "Gate name", placeholder: "Gate name" }),
          role,
          el("label", { class: "form-check mb-0 text-nowrap" }, [
            el("input", { type: "radio", name: "baseline", class: "form-check-input gate-baseline",
                          checked: gate.takes_baseline }),
            el("span", { class: "form-check-label", text: "takes the baseline" })]),
          button("Up", "gate-up", function () { move(gates, g, -1); }),
          button("Down", "gate-down", function () { move(gates, g, 1); }),
          button("Remove", "gate-remove", function () { gates.splice(g, 1); })]),
        el("div", { class: "card-body" }, [
          el("textarea", { class: "form-control gate-description mb-2", rows: "2",
                           "aria-label": "Gate description",
                           placeholder: "What the gate decides" , value: gate.description }),
          items,
          button("Add a checklist item", "item-add", function () {
            gate.items.push({ id: null, text: "", mandatory: true });
          })])]));
    });
  }

  document.getElementById("add-gate").addEventListener("click", function () {
    read();
    gates.push({ id: null, name: "", description: "", approver_role: roles[0][0],
                 takes_baseline: false, items: [] });
    draw();
  });
  form.addEventListener("submit", function () {
    read();
    document.getElementById("structure-field").value = JSON.stringify(gates);
  });
  draw();
})();
