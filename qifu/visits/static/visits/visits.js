// The visit pages (记录走访 on a phone on site, the coverage chart): no inline scripts (CSP
// script-src 'self'); everything hangs off data-qf-* attributes.
(() => {
  if (window.qfVisits) return;
  window.qfVisits = true;

  const ready = (fn) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  };

  // --- the visit form: problems (add several), participants, check-in, draft, offline -----------

  const form = () => document.querySelector("form[data-qf-visit-form]");

  // 添加问题: clone the <template data-qf-problem-template> into [data-qf-problems].
  const addProblem = (values) => {
    const box = document.querySelector("[data-qf-problems]");
    const tpl = document.querySelector("template[data-qf-problem-template]");
    if (!box || !(tpl instanceof HTMLTemplateElement)) return null;
    const row = tpl.content.firstElementChild.cloneNode(true);
    const n = box.querySelectorAll("[data-qf-problem]").length + 1;
    row.querySelectorAll("[data-qf-problem-no]").forEach((el) => { el.textContent = String(n); });
    row.querySelectorAll("[id]").forEach((el) => {
      const old = el.id;
      el.id = `${old}-${n}`;
      row.querySelectorAll(`label[for="${old}"]`).forEach((label) => { label.htmlFor = el.id; });
    });
    row.querySelectorAll("input[type=radio]").forEach((el) => { el.name = `${el.name}-${n}`; });
    if (values) {
      row.querySelectorAll("[data-qf-key]").forEach((el) => {
        const v = values[el.dataset.qfKey];
        if (v === undefined) return;
        if (el instanceof HTMLInputElement && el.type === "radio") el.checked = el.value === v;
        else el.value = v;
      });
    }
    box.appendChild(row);
    syncUrgency(row);
    return row;
  };
  // Radios inside a cloned row carry a per-row name; the posted list is the hidden urgency input.
  const syncUrgency = (row) => {
    const hidden = row.querySelector("input[type=hidden][data-qf-key=urgency]");
    const checked = row.querySelector("input[type=radio]:checked");
    if (hidden && checked) hidden.value = checked.value;
  };
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el instanceof HTMLInputElement && el.type === "radio" && el.closest("[data-qf-problem]")) {
      syncUrgency(el.closest("[data-qf-problem]"));
    }
  });
  document.addEventListener("click", (event) => {
    const el = event.target instanceof Element ? event.target.closest("[data-qf-add-problem], [data-qf-remove-problem]") : null;
    if (!el) return;
    event.preventDefault();
    if (el.matches("[data-qf-add-problem]")) {
      const row = addProblem();
      row?.querySelector("input, textarea")?.focus();
    } else {
      el.closest("[data-qf-problem]")?.remove();
      document.querySelectorAll("[data-qf-problem]").forEach((row, i) => {
        row.querySelectorAll("[data-qf-problem-no]").forEach((x) => { x.textContent = String(i + 1); });
      });
    }
    saveDraft();
  });

  // Participants: results of the staff search are checkboxes; a ticked one becomes a chip with a
  // hidden input (so a new search does not lose it); × on the chip removes it.
  const addChip = (id, label) => {
    const chips = document.querySelector("[data-qf-participants]");
    if (!chips || chips.querySelector(`input[value="${CSS.escape(id)}"]`)) return;
    const tpl = document.querySelector("template[data-qf-chip-template]");
    if (!(tpl instanceof HTMLTemplateElement)) return;
    const chip = tpl.content.firstElementChild.cloneNode(true);
    chip.querySelector("input").value = id;
    chip.querySelector("[data-qf-chip-label]").textContent = label;
    chips.appendChild(chip);
  };
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (!(el instanceof HTMLInputElement) || !el.matches("[data-qf-staff-pick]")) return;
    if (el.checked) addChip(el.value, el.dataset.qfLabel || el.value);
    else document.querySelector(`[data-qf-participants] input[value="${CSS.escape(el.value)}"]`)?.closest("[data-qf-chip]")?.remove();
    saveDraft();
  });
  document.addEventListener("click", (event) => {
    const el = event.target instanceof Element ? event.target.closest("[data-qf-chip-remove]") : null;
    if (!el) return;
    event.preventDefault();
    const chip = el.closest("[data-qf-chip]");
    const id = chip?.querySelector("input")?.value;
    chip?.remove();
    if (id) document.querySelectorAll(`[data-qf-staff-pick][value="${CSS.escape(id)}"]`).forEach((box) => { box.checked = false; });
    saveDraft();
  });

  // 签到定位: navigator.geolocation fills the hidden latitude/longitude/accuracy.
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-qf-checkin]") : null;
    if (!button) return;
    event.preventDefault();
    const f = button.closest("form");
    const out = f?.querySelector("[data-qf-checkin-status]");
    const say = (key) => { if (out) out.textContent = button.dataset[key] || ""; };
    if (!navigator.geolocation) { say("qfNoGeo"); return; }
    say("qfLocating");
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const set = (name, v) => { const el = f.querySelector(`input[name="${name}"]`); if (el) el.value = v; };
        set("latitude", pos.coords.latitude.toFixed(6));
        set("longitude", pos.coords.longitude.toFixed(6));
        set("accuracy_m", String(Math.round(pos.coords.accuracy)));
        if (out) {
          out.textContent = (button.dataset.qfLocated || "{lat}, {lng} ±{acc} m")
            .replace("{lat}", pos.coords.latitude.toFixed(5))
            .replace("{lng}", pos.coords.longitude.toFixed(5))
            .replace("{acc}", String(Math.round(pos.coords.accuracy)));
        }
        saveDraft();
      },
      () => say("qfGeoFailed"),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });

  // Draft: every typed field (not files, not the CSRF token) in localStorage while typing; restored
  // on the next visit to the form when the page is not already showing a refused post.
  const draftKey = (f) => f?.dataset.qfDraftKey || "";
  const collect = (f) => {
    const fields = {};
    f.querySelectorAll("input, textarea, select").forEach((el) => {
      if (!el.name || el.closest("[data-qf-problem]") || el.closest("[data-qf-participants]")) return;
      if (el.type === "file" || el.type === "submit" || el.name === "csrfmiddlewaretoken") return;
      if (el.matches("[data-qf-staff-pick]")) return;
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) fields[`${el.name}=${el.value}`] = true; return; }
      fields[el.name] = el.value;
    });
    const problems = Array.from(f.querySelectorAll("[data-qf-problem]")).map((row) => {
      const values = {};
      row.querySelectorAll("[data-qf-key]").forEach((el) => {
        if (el instanceof HTMLInputElement && el.type === "radio") { if (el.checked) values[el.dataset.qfKey] = el.value; }
        else values[el.dataset.qfKey] = el.value;
      });
      return values;
    });
    const people = Array.from(f.querySelectorAll("[data-qf-participants] [data-qf-chip]")).map((chip) => [
      chip.querySelector("input").value, chip.querySelector("[data-qf-chip-label]").textContent,
    ]);
    return { fields, problems, people, saved: Date.now() };
  };
  let timer = 0;
  const saveDraft = () => {
    const f = form();
    if (!f || !draftKey(f)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      try { localStorage.setItem(draftKey(f), JSON.stringify(collect(f))); } catch (e) { /* storage full or off */ }
    }, 300);
  };
  document.addEventListener("input", (event) => { if (event.target instanceof Element && event.target.closest("form[data-qf-visit-form]")) saveDraft(); });
  document.addEventListener("change", (event) => { if (event.target instanceof Element && event.target.closest("form[data-qf-visit-form]")) saveDraft(); });

  const restore = (f, draft) => {
    Object.entries(draft.fields || {}).forEach(([name, value]) => {
      if (value === true) {
        const [n, v] = name.split("=");
        f.querySelectorAll(`input[name="${CSS.escape(n)}"]`).forEach((el) => { if (el.value === v) el.checked = true; });
        return;
      }
      const el = f.querySelector(`[name="${CSS.escape(name)}"]`);
      if (el && !(el instanceof HTMLInputElement && (el.type === "checkbox" || el.type === "radio"))) el.value = value;
    });
    // checkboxes not in the draft were unticked when it was saved
    f.querySelectorAll("input[type=checkbox]:not([data-qf-staff-pick])").forEach((el) => {
      if (el.name && !draft.fields[`${el.name}=${el.value}`]) el.checked = false;
    });
    f.querySelectorAll("[data-qf-problem]").forEach((row) => row.remove());
    (draft.problems || []).forEach((values) => addProblem(values));
    (draft.people || []).forEach(([id, label]) => addChip(id, label));
  };

  ready(() => {
    const f = form();
    if (!f) return;
    const key = draftKey(f);
    const note = document.querySelector("[data-qf-draft-note]");
    let draft = null;
    try { draft = key ? JSON.parse(localStorage.getItem(key) || "null") : null; } catch (e) { draft = null; }
    if (draft && !f.dataset.qfBound) {
      restore(f, draft);
      if (note) {
        const at = new Date(draft.saved);
        const pad = (x) => String(x).padStart(2, "0");
        note.querySelector("[data-qf-draft-at]").textContent = `${at.getMonth() + 1}月${at.getDate()}日 ${pad(at.getHours())}:${pad(at.getMinutes())}`;
        note.hidden = false;
      }
    }
    if (!f.querySelector("[data-qf-problem]") && f.dataset.qfBound !== "1") {
      // no problem row by default: the liaison adds one when there is one
    }
    note?.querySelector("[data-qf-draft-clear]")?.addEventListener("click", (event) => {
      event.preventDefault();
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      window.location.reload();
    });
    // Offline: say so, keep the draft, and do not send a form that cannot arrive.
    const offline = document.querySelector("[data-qf-offline]");
    const show = () => { if (offline) offline.hidden = navigator.onLine; };
    window.addEventListener("online", show);
    window.addEventListener("offline", show);
    show();
    f.addEventListener("submit", (event) => {
      if (!navigator.onLine) {
        event.preventDefault();
        if (offline) { offline.hidden = false; offline.scrollIntoView({ block: "center" }); }
        return;
      }
      if (f.dataset.qfSent) { event.preventDefault(); return; }
      f.dataset.qfSent = "1";
      try { localStorage.setItem(key, JSON.stringify(collect(f))); } catch (e) { /* ignore */ }
      // a submit that never comes back (connection dropped): allow a second try after a while
      setTimeout(() => { delete f.dataset.qfSent; }, 20000);
    });
  });

  // The visit page after a successful save clears the draft of that enterprise's form.
  ready(() => {
    document.querySelectorAll("[data-qf-draft-done]").forEach((el) => {
      try { localStorage.removeItem(el.dataset.qfDraftDone); } catch (e) { /* ignore */ }
    });
  });

  // --- the coverage chart (ECharts, loaded from static before this file) ----------------------------
  ready(() => {
    document.querySelectorAll("[data-qf-chart]").forEach((el) => {
      if (!window.echarts) return;
      const data = JSON.parse(document.getElementById(el.dataset.qfChart)?.textContent || "{}");
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: ["#1a4b8c", "#9db6d8"],
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: (v) => `${v}${data.unit || ""}` },
        legend: { top: 0 },
        xAxis: { type: "category", data: data.labels || [], axisLabel: { interval: 0, rotate: (data.labels || []).length > 6 ? 35 : 0 } },
        yAxis: { type: "value", max: 100, name: data.unit || "", axisLabel: { formatter: `{value}${data.unit || ""}` } },
        series: [{ name: data.series || "", type: "bar", data: data.values || [], barMaxWidth: 36, label: { show: true, position: "top", formatter: `{c}${data.unit || ""}` } }],
      });
      window.addEventListener("resize", () => chart.resize());
    });
  });
})();
