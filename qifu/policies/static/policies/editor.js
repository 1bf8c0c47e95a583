// The policy editor's condition builder (formats.md "Conditions"): nested groups 全部满足 (all) /
// 满足任一 (any) / 不满足 (not), leaves with a field picker, the operators that field allows and a
// value input that fits the field's kind. It keeps <textarea name="conditions"> (the "JSON" tab) in
// step with the tree, so the form posts formats.md JSON whichever tab is open; without script the
// textarea alone is the editor.
//
// No inline scripts (CSP script-src 'self'): the field catalogue comes from the view as
// <script type="application/json" id="qf-policy-catalogue">, with the server's faults by path
// (`conditions.all[2].op`), which are marked on the parts they name.
//
// Ratios (研发投入占营业收入比例) are typed as a percentage (3 = 3%) and stored as the fraction the
// condition language compares (0.03); the shift is done on the decimal digits, never in binary
// floating point, so 1.1% is 0.011 exactly.
(() => {
  if (window.qfPolicyEditor) return;
  window.qfPolicyEditor = true;

  const ready = (fn) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  };

  // <form data-qf-policy-confirm="…">: ask before publishing, withdrawing or expiring.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.qfPolicyConfirm && !window.confirm(form.dataset.qfPolicyConfirm)) {
      event.preventDefault();
    }
  });

  // --- decimal helpers ---------------------------------------------------------------------------

  const NUMBER = /^-?\d+(\.\d+)?$/;
  const INTEGER = /^\d+$/;

  // "1.1" shifted by -2 -> "0.011"; "0.03" by +2 -> "3". null when S is not a plain decimal.
  const shift = (s, k) => {
    const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(String(s).trim());
    if (!m || (m[2] === "" && (m[3] || "") === "")) return null;
    const sign = m[1];
    const whole = m[2] || "";
    let digits = whole + (m[3] || "");
    let point = whole.length + k;
    if (point < 0) {
      digits = "0".repeat(-point) + digits;
      point = 0;
    }
    if (point > digits.length) digits += "0".repeat(point - digits.length);
    const head = digits.slice(0, point).replace(/^0+(?=\d)/, "") || "0";
    const tail = digits.slice(point).replace(/0+$/, "");
    const out = head + (tail ? `.${tail}` : "");
    return out === "0" ? "0" : sign + out;
  };
  const plain = (n) => {
    if (typeof n !== "number") return String(n ?? "");
    const s = String(n);
    return s.includes("e") ? n.toFixed(12).replace(/\.?0+$/, "") : s;
  };

  ready(() => {
    const host = document.querySelector("[data-qf-condition-editor]");
    const source = document.getElementById("qf-policy-catalogue");
    if (!host || !source) return;
    const textarea = document.getElementById(host.dataset.qfConditionEditor);
    if (!(textarea instanceof HTMLTextAreaElement)) return;
    const cat = JSON.parse(source.textContent || "{}");
    const T = cat.text || {};
    const fields = new Map((cat.fields || []).map((f) => [f.name, f]));
    const groupOps = new Map(cat.groups || []);
    const formPane = document.querySelector('[data-qf-cond-pane="form"]');
    const jsonPane = document.querySelector('[data-qf-cond-pane="json"]');
    const jsonError = document.querySelector("[data-qf-json-error]");
    let faults = cat.faults || [];
    let tree = null;

    // --- the model: {group: "all"|"any"|"not", parts: [...]} or {field, op, value} ------------------

    class Unrepresentable extends Error {}

    const fromJson = (j) => {
      if (!j || typeof j !== "object" || Array.isArray(j)) throw new Unrepresentable();
      const keys = Object.keys(j);
      if (keys.length === 1 && (keys[0] === "all" || keys[0] === "any")) {
        if (!Array.isArray(j[keys[0]])) throw new Unrepresentable();
        return { group: keys[0], parts: j[keys[0]].map(fromJson) };
      }
      if (keys.length === 1 && keys[0] === "not") return { group: "not", parts: [fromJson(j.not)] };
      if (keys.some((k) => !["field", "op", "value"].includes(k))) throw new Unrepresentable();
      const spec = fields.get(j.field);
      if (!spec || !spec.ops.some(([op]) => op === j.op)) throw new Unrepresentable();
      return { field: j.field, op: j.op, value: j.value };
    };

    const toJson = (node) => {
      if (node.group === "not") return { not: node.parts.length ? toJson(node.parts[0]) : null };
      if (node.group) return { [node.group]: node.parts.map(toJson) };
      return { field: node.field, op: node.op, value: node.value };
    };

    const listOp = (op) => op === "in" || op === "not_in";

    // A scalar typed in an input -> its JSON value (kept as typed when it does not parse: the
    // server then names the path and says what it wants).
    const scalarIn = (spec, text) => {
      const s = String(text).trim();
      switch (spec.kind) {
        case "int":
          return INTEGER.test(s) ? Number(s) : s;
        case "money":
          return NUMBER.test(s) ? Number(s) : s;
        case "ratio": {
          const f = NUMBER.test(s) ? shift(s, -2) : null;
          return f === null ? s : Number(f);
        }
        case "bool":
          return s === "true" ? true : s === "false" ? false : s;
        default:
          return s;
      }
    };
    const scalarOut = (spec, value) => {
      if (spec.kind === "ratio" && typeof value === "number") return shift(plain(value), 2) ?? "";
      if (typeof value === "boolean") return value ? "true" : "false";
      return plain(value);
    };

    const defaultValue = (spec, op) => {
      if (op === "between") return ["", ""];
      if (spec.kind === "bool") return true;
      if (listOp(op)) return [];
      if (spec.kind === "choice" && spec.choices.length) return spec.choices[0][0];
      return "";
    };

    // The value kept across an operator change where it still makes sense.
    const reshape = (spec, op, value) => {
      const first = Array.isArray(value) ? value.find((v) => v !== "") : value;
      if (op === "between") return Array.isArray(value) && value.length === 2 ? value : [first ?? "", ""];
      if (listOp(op)) return first === undefined || first === "" ? [] : [first];
      if (op === "prefix") return first ?? "";
      if (spec.kind === "bool") return typeof first === "boolean" ? first : true;
      return first ?? defaultValue(spec, op);
    };

    // --- rendering ---------------------------------------------------------------------------------

    const el = (tag, attrs = {}, ...children) => {
      const node = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : v);
      }
      for (const c of children) if (c) node.append(c);
      return node;
    };
    const select = (attrs, options, current) => {
      const s = el("select", { class: "form-select form-select-sm", ...attrs });
      for (const [value, label] of options) {
        const o = el("option", { value, text: label });
        if (String(value) === String(current)) o.selected = true;
        s.append(o);
      }
      return s;
    };
    const button = (role, label, icon, style) =>
      el("button", { type: "button", class: `btn btn-sm ${style}`, "data-qf-role": role, title: label },
        el("i", { class: `fa-solid ${icon}`, "aria-hidden": "true" }), el("span", { class: "qf-cond-btn-text", text: ` ${label}` }));

    const changed = (structural) => {
      textarea.value = JSON.stringify(toJson(tree), null, 2);
      textarea.dispatchEvent(new CustomEvent("qfchange", { bubbles: true }));
      if (structural) {
        faults = [];
        render();
      }
    };

    const renderGroup = (node, path, parent) => {
      const box = el("div", { class: "qf-cond-group", "data-qf-path": path, "data-qf-group": node.group });
      const head = el("div", { class: "qf-cond-head" });
      const op = select({ "data-qf-role": "group-op", "aria-label": T.group || "条件组" }, Array.from(groupOps), node.group);
      op.addEventListener("change", () => {
        const to = op.value;
        if (to === "not" && node.parts.length > 1) node.parts = [{ group: node.group, parts: node.parts }];
        node.group = to;
        changed(true);
      });
      head.append(op);
      const canAdd = node.group !== "not" || node.parts.length === 0;
      if (canAdd) {
        const addLeaf = button("add-leaf", T.addLeaf, "fa-plus", "btn-outline-primary");
        addLeaf.addEventListener("click", () => {
          node.parts.push({ field: "", op: "", value: "" });
          changed(true);
        });
        const addGroup = button("add-group", T.addGroup, "fa-layer-group", "btn-outline-secondary");
        addGroup.addEventListener("click", () => {
          node.parts.push({ group: "all", parts: [{ field: "", op: "", value: "" }] });
          changed(true);
        });
        head.append(addLeaf, addGroup);
      }
      if (parent) head.append(removeButton(node, parent));
      box.append(head);
      const parts = el("div", { class: "qf-cond-parts" });
      node.parts.forEach((part, i) => {
        const sub = node.group === "not" ? `${path}.not` : `${path}.${node.group}[${i}]`;
        parts.append(part.group ? renderGroup(part, sub, node) : renderLeaf(part, sub, node));
      });
      if (!node.parts.length) parts.append(el("div", { class: "text-body-secondary small", text: T.emptyGroup }));
      box.append(parts, el("div", { class: "qf-cond-faults" }));
      return box;
    };

    const removeButton = (node, parent) => {
      const b = button("remove", T.remove, "fa-xmark", "btn-outline-danger qf-cond-remove");
      b.addEventListener("click", () => {
        parent.parts.splice(parent.parts.indexOf(node), 1);
        changed(true);
      });
      return b;
    };

    const renderLeaf = (node, path, parent) => {
      const box = el("div", { class: "qf-cond-leaf", "data-qf-path": path });
      const spec = fields.get(node.field);
      const fieldPick = select(
        { "data-qf-role": "field", "aria-label": T.chooseField },
        [["", T.chooseField], ...(cat.fields || []).map((f) => [f.name, f.label])],
        node.field,
      );
      fieldPick.addEventListener("change", () => {
        const next = fields.get(fieldPick.value);
        node.field = fieldPick.value;
        if (!next) {
          node.op = "";
          node.value = "";
        } else {
          const keep = next.ops.some(([op]) => op === node.op) && spec && spec.kind === next.kind;
          if (!keep) {
            node.op = next.ops[0][0];
            node.value = defaultValue(next, node.op);
          }
        }
        changed(true);
      });
      const opPick = select(
        { "data-qf-role": "op", "aria-label": T.op || "运算符", disabled: !spec },
        spec ? spec.ops : [["", "—"]],
        node.op,
      );
      opPick.addEventListener("change", () => {
        node.value = reshape(spec, opPick.value, node.value);
        node.op = opPick.value;
        changed(true);
      });
      const row = el("div", { class: "qf-cond-row" }, fieldPick, opPick);
      const value = el("div", { class: "qf-cond-value" });
      if (spec) value.append(valueInput(node, spec));
      row.append(value, removeButton(node, parent));
      box.append(row);
      if (spec && spec.hint) box.append(el("div", { class: "form-text qf-cond-hint", text: spec.hint }));
      box.append(el("div", { class: "qf-cond-faults" }));
      return box;
    };

    const withUnit = (input, unit) => {
      if (!unit) return input;
      return el("div", { class: "input-group input-group-sm" }, input, el("span", { class: "input-group-text", text: unit }));
    };
    const unitOf = (spec) => (spec.kind === "ratio" ? "%" : spec.unit);

    const scalarInput = (spec, current, onValue, role) => {
      if (spec.kind === "bool") {
        const s = select({ "data-qf-role": role, "aria-label": spec.label }, [["true", T.yes], ["false", T.no]], scalarOut(spec, current));
        s.addEventListener("change", () => onValue(scalarIn(spec, s.value)));
        return s;
      }
      if (spec.kind === "choice" || spec.kind === "lists") {
        const s = select({ "data-qf-role": role, "aria-label": spec.label }, spec.choices, current);
        s.addEventListener("change", () => onValue(s.value));
        if (current === "" && spec.choices.length) onValue(spec.choices[0][0]);
        return s;
      }
      const type = { int: "number", money: "number", ratio: "number", date: "date" }[spec.kind] || "text";
      const input = el("input", {
        type,
        class: "form-control form-control-sm",
        "data-qf-role": role,
        "aria-label": spec.label,
        step: type === "number" ? (spec.kind === "int" ? "1" : "any") : undefined,
        min: type === "number" && spec.kind !== "money" ? "0" : undefined,
        inputmode: type === "number" ? (spec.kind === "int" ? "numeric" : "decimal") : undefined,
        placeholder: spec.kind === "industry" ? "C39" : undefined,
      });
      input.value = scalarOut(spec, current);
      input.addEventListener("input", () => onValue(scalarIn(spec, input.value)));
      return withUnit(input, unitOf(spec));
    };

    const valueInput = (node, spec) => {
      const set = (v) => {
        node.value = v;
        changed(false);
      };
      if (node.op === "between") {
        const pair = Array.isArray(node.value) && node.value.length === 2 ? [...node.value] : ["", ""];
        node.value = pair;
        const low = scalarInput(spec, pair[0], (v) => { pair[0] = v; set(pair); }, "value-low");
        const high = scalarInput(spec, pair[1], (v) => { pair[1] = v; set(pair); }, "value-high");
        return el("div", { class: "qf-cond-between" }, low, el("span", { class: "qf-cond-to", text: T.to }), high);
      }
      if (listOp(node.op) && (spec.kind === "choice" || spec.kind === "lists")) {
        const chosen = new Set(Array.isArray(node.value) ? node.value : []);
        const box = el("div", { class: "qf-cond-checks", "data-qf-role": "value", role: "group", "aria-label": spec.label });
        spec.choices.forEach(([code, label]) => {
          const id = `qf-c-${Math.random().toString(36).slice(2, 9)}`;
          const cb = el("input", { type: "checkbox", class: "form-check-input", id, value: code, checked: chosen.has(code) });
          cb.addEventListener("change", () => {
            if (cb.checked) chosen.add(code);
            else chosen.delete(code);
            set(spec.choices.map(([c]) => c).filter((c) => chosen.has(c)));
          });
          box.append(el("div", { class: "form-check form-check-inline" }, cb, el("label", { class: "form-check-label", for: id, text: label })));
        });
        return box;
      }
      if (listOp(node.op) || node.op === "prefix") {
        const items = Array.isArray(node.value) ? node.value : node.value === "" ? [] : [node.value];
        const input = el("input", {
          type: "text",
          class: "form-control form-control-sm",
          "data-qf-role": "value",
          "aria-label": spec.label,
          placeholder: spec.kind === "industry" ? "C39, C40" : T.listHint,
          title: T.listHint,
        });
        input.value = items.map((v) => scalarOut(spec, v)).join(", ");
        input.addEventListener("input", () => {
          const parts = input.value.split(/[,，、;；\s]+/).filter((p) => p !== "").map((p) => scalarIn(spec, p));
          set(node.op === "prefix" && parts.length === 1 ? parts[0] : parts);
        });
        return el("div", {}, withUnit(input, listOp(node.op) ? unitOf(spec) : ""), el("div", { class: "form-text", text: T.listHint }));
      }
      return scalarInput(spec, node.value, set, "value");
    };

    // Faults by path: each on the deepest part whose path starts it (`…all[2]` for `…all[2].op`).
    const markFaults = () => {
      const parts = Array.from(host.querySelectorAll("[data-qf-path]"));
      for (const [path, message] of faults) {
        if (!path.startsWith("conditions")) continue;
        let best = null;
        for (const part of parts) {
          const p = part.dataset.qfPath;
          const rest = path.slice(p.length);
          if (path.startsWith(p) && (rest === "" || rest[0] === "." || rest[0] === "[")) {
            if (!best || p.length > best.dataset.qfPath.length) best = part;
          }
        }
        if (!best) continue;
        best.classList.add("qf-cond-bad");
        const rest = path.slice(best.dataset.qfPath.length);
        const role = { ".field": "field", ".op": "op" }[rest] || (rest.startsWith(".value") ? "value" : null);
        if (role && best.classList.contains("qf-cond-leaf")) {
          best.querySelectorAll(`[data-qf-role^="${role}"]`).forEach((c) => c.classList.add("is-invalid"));
        }
        const list = best.querySelector(":scope > .qf-cond-faults");
        list?.append(el("div", { class: "invalid-feedback d-block", role: "alert" }, el("code", { text: path }), `：${message}`));
      }
    };

    const render = () => {
      host.replaceChildren(renderGroup(tree, "conditions", null));
      markFaults();
    };

    // --- the two tabs --------------------------------------------------------------------------------

    const showTab = (name) => {
      document.querySelectorAll("[data-qf-cond-tab]").forEach((b) => {
        const on = b.dataset.qfCondTab === name;
        b.classList.toggle("active", on);
        b.setAttribute("aria-selected", on ? "true" : "false");
      });
      if (formPane) formPane.hidden = name !== "form";
      if (jsonPane) jsonPane.hidden = name !== "json";
    };

    // The textarea's tree in the form, or a message why not (the JSON tab stays open).
    const load = () => {
      const text = textarea.value.trim();
      let parsed;
      try {
        parsed = text ? JSON.parse(text) : { all: [] };
      } catch (err) {
        return `${T.badJson} ${err.message}`;
      }
      try {
        tree = fromJson(parsed);
      } catch (err) {
        if (err instanceof Unrepresentable) return T.unrepresentable;
        throw err;
      }
      if (!tree.group) tree = { group: "all", parts: [tree] };
      render();
      return "";
    };

    document.querySelectorAll("[data-qf-cond-tab]").forEach((b) => {
      b.addEventListener("click", () => {
        if (b.dataset.qfCondTab === "form") {
          const problem = load();
          if (jsonError) jsonError.textContent = problem;
          if (!problem) showTab("form");
        } else {
          if (jsonError) jsonError.textContent = "";
          showTab("json");
        }
      });
    });
    textarea.addEventListener("input", () => textarea.dispatchEvent(new CustomEvent("qfchange", { bubbles: true })));

    const problem = load();
    if (jsonError) jsonError.textContent = problem;
    showTab(problem ? "json" : "form");
  });
})();
