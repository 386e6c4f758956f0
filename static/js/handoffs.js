// The navigator's live warm-handoff panel (app/referrals/templates/referrals/_live_handoffs.html):
// asks /handoffs/live every few seconds and shows new handoffs without a reload; Accept posts in
// the background. Every word comes from the page or the server (translated there); text is only
// ever set with textContent. Without this script the panel still works as plain forms.
(() => {
  "use strict";

  const panel = document.getElementById("live-handoffs");
  if (!panel || !window.fetch) return;

  const list = panel.querySelector("[data-handoff-list]");
  const empty = panel.querySelector("[data-handoff-empty]");
  const status = panel.querySelector("[data-handoff-status]");
  const template = panel.querySelector("template[data-handoff-template]");
  const every = 1000 * (Number(panel.dataset.pollSeconds) || 5);
  // data-field on the page → key in the JSON of /handoffs/live
  const FIELDS = {
    need: "need",
    team: "team",
    child: "child_first_name",
    language: "language_name",
    location: "location",
    waiting: "waiting",
  };
  let timer = null;

  function say(text) {
    status.textContent = text || "";
  }

  function fill(item, handoff) {
    item.dataset.handoffId = String(handoff.id);
    for (const [name, key] of Object.entries(FIELDS)) {
      for (const element of item.querySelectorAll(`[data-field="${name}"]`)) {
        element.textContent = handoff[key] || "";
        element.hidden = !handoff[key];
      }
    }
    const form = item.querySelector("form[data-accept-form]");
    form.action = handoff.accept_url;
    form.elements.version.value = String(handoff.version);
  }

  function show(handoffs) {
    const shown = new Map(
      Array.from(list.children, (item) => [item.dataset.handoffId, item])
    );
    const wanted = new Set();
    let added = 0;
    for (const handoff of handoffs) {
      const id = String(handoff.id);
      wanted.add(id);
      let item = shown.get(id);
      if (!item) {
        item = template.content.firstElementChild.cloneNode(true);
        list.appendChild(item);
        added += 1;
      }
      fill(item, handoff);
    }
    for (const [id, item] of shown) {
      if (!wanted.has(id)) item.remove();
    }
    empty.hidden = handoffs.length > 0;
    if (added) say(panel.dataset.newText);
  }

  async function poll() {
    clearTimeout(timer);
    try {
      const response = await fetch(panel.dataset.liveUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok || response.redirected) throw new Error(String(response.status));
      show((await response.json()).handoffs);
      if (status.dataset.failed) {
        delete status.dataset.failed;
        say("");
      }
    } catch (error) {
      status.dataset.failed = "1";
      say(panel.dataset.errorText);
    }
    timer = setTimeout(poll, every);
  }

  async function accept(form) {
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      say(response.ok ? answer.message : answer.error.message);
    } catch (error) {
      say(panel.dataset.errorText);
    } finally {
      button.disabled = false;
      poll();
    }
  }

  list.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-accept-form]");
    if (!form) return;
    event.preventDefault();
    accept(form);
  });

  timer = setTimeout(poll, every);
})();
