/* Wellthread parent screener: one question per screen, answers kept on this device until sent.
 * No third-party code, no trackers; it talks only to this app's /api/v1/screener endpoints. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("screener-config").textContent);
  var t = config.strings;
  var storeKey = "wellthread-screener:" + config.token;
  var screen = document.getElementById("screen");
  var connection = document.getElementById("connection");
  var state = load() || { step: "welcome", index: 0, answers: {}, recipients: [], ids: {}, queued: null };
  var session = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(storeKey)); } catch (e) { return null; }
  }
  function save() { localStorage.setItem(storeKey, JSON.stringify(state)); }
  function forget() { localStorage.removeItem(storeKey); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key.slice(0, 2) === "on") { node.addEventListener(key.slice(2), attrs[key]); }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function show(nodes) {
    screen.textContent = "";
    nodes.forEach(function (node) { if (node) { screen.appendChild(node); } });
    screen.focus();
  }
  function button(label, handler, secondary) {
    return el("button", { type: "button", class: secondary ? "secondary" : "primary", text: label, onclick: handler });
  }

  /* The questions, in order; a positive PHQ-2 (total of 3 or more) continues with PHQ-9 items 3-9. */
  function questions() {
    var list = [];
    session.instruments.forEach(function (inst) {
      inst.items.forEach(function (item) { list.push({ inst: inst, item: item }); });
      var next = inst.continues_to;
      if (next && phqTotal(inst) >= next.when_total_at_least) {
        next.items.forEach(function (item) { list.push({ inst: inst, item: item, continued: true }); });
      }
    });
    return list;
  }
  function phqTotal(inst) {
    var answers = state.answers[inst.key] || {};
    return inst.items.reduce(function (sum, item) {
      var code = answers[item.id];
      return sum + (code !== undefined && !isNaN(Number(code)) ? Number(code) : 0);
    }, 0);
  }
  function wantsHelp() {
    var checkin = state.answers["family-checkin"] || {};
    return Object.keys(checkin).some(function (id) { return checkin[id] === "yes"; });
  }

  function renderWelcome() {
    var nodes = [el("h1", { text: t.welcome_title }), el("p", { text: t.welcome_why }),
      el("p", { text: t.welcome_skip }), el("p", { text: t.welcome_who })];
    if (session.unavailable && session.unavailable.length) {
      nodes.push(el("p", { class: "note", text: t.unavailable }));
    }
    nodes.push(languagePicker());
    nodes.push(button(t.start, function () { go("question", 0); post("started"); }));
    show(nodes);
  }
  function languagePicker() {
    var choices = session.languages.filter(function (code) { return config.languages.indexOf(code) >= 0; });
    if (choices.length < 2) { return null; }
    return el("nav", { class: "languages", "aria-label": t.choose_language }, choices.map(function (code) {
      var names = { en: "English", es: "Español", ar: "العربية" };
      return el("a", { href: "?lang=" + code + (config.kiosk ? "&kiosk=1" : ""), lang: code, hreflang: code,
        "aria-current": code === config.language ? "true" : "false", text: names[code] || code });
    }));
  }

  function renderQuestion() {
    var list = questions();
    if (state.index >= list.length) { return go(wantsHelp() ? "help" : "review", 0); }
    var entry = list[state.index];
    var answers = state.answers[entry.inst.key] = state.answers[entry.inst.key] || {};
    var legendId = "q-" + entry.item.id;
    var options = entry.item.options.map(function (option) {
      var input = el("input", { type: "radio", name: "answer", value: option.code });
      input.checked = answers[entry.item.id] === option.code;
      input.addEventListener("change", function () {
        answers[entry.item.id] = option.code; save(); go("question", state.index + 1);
      });
      return el("label", { class: "option" }, [input, el("span", { text: option.text })]);
    });
    show([
      el("p", { class: "progress", text: format(t.question_of, { current: state.index + 1, total: list.length }) }),
      el("progress", { max: String(list.length), value: String(state.index + 1), "aria-hidden": "true" }),
      entry.inst.stem ? el("p", { class: "stem", text: entry.inst.stem }) : null,
      el("fieldset", { "aria-labelledby": legendId }, [el("legend", { id: legendId, text: entry.item.text })].concat(options)),
      el("div", { class: "actions" }, [
        state.index > 0 ? button(t.back, function () { go("question", state.index - 1); }, true) : null,
        button(t.skip, function () { delete answers[entry.item.id]; save(); go("question", state.index + 1); }, true),
      ]),
    ]);
  }

  function renderHelp() {
    var boxes = session.recipients.map(function (recipient) {
      var input = el("input", { type: "checkbox", value: recipient.code });
      input.checked = state.recipients.indexOf(recipient.code) >= 0;
      input.addEventListener("change", function () {
        state.recipients = state.recipients.filter(function (c) { return c !== recipient.code; });
        if (input.checked) { state.recipients.push(recipient.code); }
        save();
      });
      return el("label", { class: "option" }, [input, el("span", { text: recipient.label })]);
    });
    show([el("h1", { text: t.help_title }), el("p", { text: t.help_intro }),
      el("fieldset", {}, [el("legend", { class: "visually-hidden", text: t.help_title })].concat(boxes)),
      el("div", { class: "actions" }, [
        button(t.back, function () { go("question", questions().length - 1); }, true),
        button(t.next, function () { go("review", 0); }),
      ])]);
  }

  function renderReview() {
    var rows = questions().map(function (entry, position) {
      var code = (state.answers[entry.inst.key] || {})[entry.item.id];
      var chosen = entry.item.options.filter(function (o) { return o.code === code; })[0];
      return el("li", {}, [el("p", { class: "question", text: entry.item.text }),
        el("p", { class: "answer", text: chosen ? chosen.text : t.not_answered }),
        el("button", { type: "button", class: "link", text: t.review_change,
          onclick: function () { go("question", position); } })]);
    });
    show([el("h1", { text: t.review_title }), el("ol", { class: "review" }, rows),
      el("div", { class: "actions" }, [button(t.submit, submit)])]);
  }

  function renderThanks() {
    show([el("h1", { text: t.thanks_title }), el("p", { text: t.thanks_body }), el("p", { class: "sent", text: t.sent })]);
    if (config.kiosk) { setTimeout(function () { location.replace(config.kioskDone); }, config.kioskDoneAfterMs); }
  }

  /* Submission: one id per instrument, fixed the first time, so a resend is recognised and stored once. */
  function payload() {
    var responses = session.instruments.map(function (inst) {
      state.ids[inst.key] = state.ids[inst.key] || uuid();
      return { instrument: inst.key, client_submission_id: state.ids[inst.key], answers: state.answers[inst.key] || {} };
    });
    return { language: config.language, kiosk: config.kiosk, responses: responses,
      help: wantsHelp() ? { recipients: state.recipients } : null };
  }
  function submit() {
    state.queued = payload(); state.step = "sending"; save();
    show([el("p", { text: t.sending })]);
    send();
  }
  var sending = false;
  function send() {
    if (!state.queued || sending) { return; }
    sending = true;
    fetch(config.api + "/submissions", { method: "POST", headers: { "Content-Type": "application/json",
      "Accept-Language": config.language }, body: JSON.stringify(state.queued), credentials: "omit" })
      .then(function (response) {
        sending = false;
        if (response.ok) { forget(); state = { step: "thanks" }; renderThanks(); return; }
        if (response.status >= 500 || response.status === 429) { return waitForNetwork(); }
        state.queued = null; state.step = "review"; save(); showError();
      })
      .catch(function () { sending = false; waitForNetwork(); });
  }
  function waitForNetwork() {
    show([el("h1", { text: t.thanks_title }), el("p", { class: "note", text: t.saved_offline })]);
    setTimeout(send, 30000);
  }
  function showError() {
    renderReview();
    screen.insertBefore(el("p", { class: "error", role: "alert", text: t.error }), screen.firstChild);
  }
  function post(action) {
    fetch(config.api + "/" + action, { method: "POST", credentials: "omit" }).catch(function () {});
  }

  function go(step, index) { state.step = step; state.index = index; save(); render(); }
  function render() {
    if (state.step === "thanks") { return renderThanks(); }
    if (state.step === "sending") { return waitForNetwork(); }
    ({ welcome: renderWelcome, question: renderQuestion, help: renderHelp, review: renderReview }[state.step] || renderWelcome)();
  }

  function updateConnection() {
    connection.hidden = navigator.onLine;
    connection.textContent = navigator.onLine ? "" : t.saved_offline;
    if (navigator.onLine && state.queued) { send(); }
  }
  window.addEventListener("online", updateConnection);
  window.addEventListener("offline", updateConnection);

  if (config.kiosk) {
    var idle;
    var restart = function () {
      clearTimeout(idle);
      idle = setTimeout(function () { forget(); location.replace(config.kioskDone); }, 180000);
    };
    ["click", "keydown", "touchstart"].forEach(function (name) { document.addEventListener(name, restart); });
    restart();
  }
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/s/sw.js", { scope: "/s/" }).catch(function () {}); }

  function begin(data) {
    // The language the family chose last time wins over the invitation's, until they choose again.
    var asked = new URLSearchParams(location.search).get("lang");
    if (!asked && state.lang && state.lang !== config.language && config.languages.indexOf(state.lang) >= 0) {
      location.replace("?lang=" + state.lang + (config.kiosk ? "&kiosk=1" : ""));
      return;
    }
    state.lang = config.language; save();
    session = data; updateConnection(); render();
  }
  if (config.session) { begin(config.session); } else {
    fetch(config.api + "?language=" + encodeURIComponent(config.language), { credentials: "omit" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(begin)
      .catch(function () { show([el("p", { class: "error", role: "alert", text: navigator.onLine ? t.error : t.offline_first })]); });
  }
})();
