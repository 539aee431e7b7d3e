/* global document, window, fetch, EventSource, localStorage, URL, URLSearchParams */
/**
 * The demo channel in the browser: renders the core's Message model (header, text, fields, actions,
 * context, link, divider) as HTML, keeps it live from /demo/events, and sends what the person does to
 * /demo/api/…. Everything is built with DOM calls and textContent: no HTML string from a message is
 * ever parsed, so a message cannot inject markup.
 *
 * Two conversations: a Slack-like channel (threads open beside it) and a Teams-like channel (replies under each
 * post). A case started in one joins the other with `link` / `join <code>`; "Side by side" shows both homes at once.
 */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const partyLabel = { customer: "Customer", aws: "AWS", partner: "Partner" };

  const state = {
    users: [],
    usersById: new Map(),
    channel: { id: "", name: "", place: "" },
    teamsChannel: { id: "", name: "", place: "" },
    me: undefined,
    view: "channel", // or "teams" or "direct"
    sideBySide: false,
    // Whether the person chose a layout (the switch, ?layout=); until then a linked case shows both homes by itself.
    layoutChosen: false,
    channelMessages: new Map(),
    // The Teams-like channel (demo-teams.js), made once the page's helpers exist.
    teamsPane: undefined,
    unreadTeams: 0,
    directMessages: new Map(),
    openThread: undefined, // { root, replies: Map }
    unreadDirect: 0,
    events: undefined,
  };

  // ---------------------------------------------------------------- helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function requestId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return "r-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function initials(name) {
    return name
      .split(/\s+/)
      .map((part) => part[0] || "")
      .join("")
      .slice(0, 2)
      .toUpperCase();
  }

  function timeOf(iso) {
    const date = new Date(iso);
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
    } catch {
      return undefined;
    }
  }

  function externalLink(url, label) {
    const href = safeUrl(url);
    if (!href) return document.createTextNode(label);
    const a = el("a", "", label);
    a.href = href;
    // Credential links open in their own tab; no referrer, no window.opener.
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function toast(text, kind) {
    const node = el("div", "toast" + (kind === "error" ? " error" : ""), text);
    $("toasts").appendChild(node);
    window.setTimeout(() => node.remove(), kind === "error" ? 7000 : 4500);
  }

  async function api(path, body) {
    const options =
      body === undefined
        ? {}
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
    const res = await fetch(path, options);
    let payload;
    try {
      payload = await res.json();
    } catch {
      payload = {};
    }
    if (!res.ok) throw new Error(payload.error || "the request failed (" + res.status + ")");
    return payload;
  }

  // ---------------------------------------------------------------- rich text

  /**
   * The core's small markup: ``` fenced blocks, `code`, *bold*, _italic_, <@id|Name> mentions,
   * <url|label> links, bare URLs, new lines. A backslash before a markup character (the core's
   * `literal()`: words people wrote) makes it a plain character: the text is shielded first (each escaped
   * character becomes a stand-in from Unicode's private use area, U+E000 + its code, as in src/message.ts),
   * so the patterns below see only the core's own markup, and `restore` gives the characters back as text.
   */
  const inlinePattern =
    /(`[^`\n]+`)|((?<![\w*])\*[^*\n]+\*(?![\w*]))|((?<![\w])_[^_\n]+_(?![\w]))|(<@[^>|\s]+(?:\|[^>]*)?>)|(<https?:\/\/[^>|\s]+(?:\|[^>]*)?>)|(https?:\/\/[^\s<>\ue000-\ue07f]+)|(\n)/g;

  function shield(text) {
    return text.replace(/\\([\\`*_~<>[\]])/g, (_whole, char) => String.fromCharCode(0xe000 + char.charCodeAt(0)));
  }

  function restore(text) {
    return text.replace(/[\ue000-\ue07f]/g, (standIn) => String.fromCharCode(standIn.charCodeAt(0) - 0xe000));
  }

  /** Markup as plain words (headers, labels, titles): escaped characters as themselves. */
  function plain(text) {
    return restore(shield(text || ""));
  }

  function renderInline(markup, into) {
    const text = shield(markup);
    const words = (part) => document.createTextNode(restore(part));
    let last = 0;
    for (const match of text.matchAll(inlinePattern)) {
      if (match.index > last) into.appendChild(words(text.slice(last, match.index)));
      const token = match[0];
      if (match[1]) into.appendChild(el("code", "", restore(token.slice(1, -1))));
      else if (match[2]) into.appendChild(el("strong", "", restore(token.slice(1, -1))));
      else if (match[3]) into.appendChild(el("em", "", restore(token.slice(1, -1))));
      else if (match[4]) into.appendChild(mention(restore(token)));
      else if (match[5]) {
        const [url, label] = restore(token.slice(1, -1)).split("|");
        into.appendChild(externalLink(url, label || url));
      } else if (match[6]) into.appendChild(externalLink(token, token));
      else into.appendChild(el("br"));
      last = match.index + token.length;
    }
    if (last < text.length) into.appendChild(words(text.slice(last)));
  }

  function mentionName(id, label) {
    const user = state.usersById.get(id);
    const name = label || (user ? user.name : id.startsWith("email:") ? id.slice(6) : id);
    return "@" + name.replace(/^@/, "");
  }

  function mention(token) {
    const [id, label] = token.slice(2, -1).split("|");
    const chip = el("span", "mention", mentionName(id, label));
    chip.title = id;
    return chip;
  }

  /** A code block stays unformatted, but a mention in it (the ticket summary) still reads as a name, not `<@U-…>`. */
  function plainMentions(shielded) {
    return restore(shielded.replace(/<@([^>|\s]+)(?:\|([^>]*))?>/g, (_token, id, label) => mentionName(id, label)));
  }

  function renderRichText(markup, into) {
    // Split on the core's fences only: a ``` a person wrote is stand-ins after shield().
    const parts = shield(markup).split(/```/);
    parts.forEach((part, index) => {
      if (index % 2 === 1) into.appendChild(el("pre", "", plainMentions(part.replace(/^\n/, ""))));
      else if (part) {
        const p = el("p");
        renderInline(part.replace(/^\n+|\n+$/g, ""), p);
        if (p.childNodes.length) into.appendChild(p);
      }
    });
  }

  // ---------------------------------------------------------------- messages

  /**
   * The core's date tokens (src/date-text.ts: `⟦date:2026-12-31T09:00:00Z⟧`) in the browser's own locale and time
   * zone, in every string of a message body (texts, fields, button labels, confirm dialogs).
   */
  const datePattern = /⟦date:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)⟧/g;

  function localDate(iso) {
    return new Date(iso).toLocaleString(undefined, {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function localDates(value) {
    if (typeof value === "string") return value.replace(datePattern, (_token, iso) => localDate(iso));
    if (Array.isArray(value)) return value.map(localDates);
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, localDates(item)]));
    return value;
  }

  function renderBlocks(message, into) {
    const body = localDates(message.body);
    const blocks = body.blocks && body.blocks.length ? body.blocks : [{ type: "text", text: body.text }];
    for (const block of blocks) {
      switch (block.type) {
        case "header":
          into.appendChild(el("h3", "", plain(block.text)));
          break;
        case "text":
          renderRichText(block.text, into);
          break;
        case "fields": {
          const dl = el("dl", "fields");
          for (const field of block.fields) {
            const item = el("div", "field");
            item.appendChild(el("dt", "", plain(field.label)));
            const dd = el("dd");
            renderInline(field.value, dd);
            item.appendChild(dd);
            dl.appendChild(item);
          }
          into.appendChild(dl);
          break;
        }
        case "actions": {
          const row = el("div", "actions");
          for (const spec of block.buttons) row.appendChild(actionButton(message, spec));
          into.appendChild(row);
          break;
        }
        case "context": {
          const div = el("div", "context");
          renderInline(block.text, div);
          into.appendChild(div);
          break;
        }
        case "link": {
          const a = externalLink(block.url, plain(block.label));
          if (a.tagName === "A") {
            a.className = "link-block";
            // A one-time file download (/files/<token>, same origin): saved at once, not opened in a tab.
            if (block.url.startsWith("/files/")) {
              a.setAttribute("download", "");
              a.removeAttribute("target");
            }
          }
          into.appendChild(a);
          break;
        }
        case "divider":
          into.appendChild(el("hr"));
          break;
        case "datePicker":
          into.appendChild(datePickerRow(message, block.picker));
          break;
        case "details": {
          // Details on demand: an expandable section (Slack opens the same in a modal, Teams in a ShowCard).
          const section = el("details", "details-block");
          section.appendChild(el("summary", "", plain(block.details.label)));
          renderBlocks({ ...message, body: { text: "", blocks: block.details.blocks } }, section);
          into.appendChild(section);
          break;
        }
        case "messageLink":
          into.appendChild(el("div", "context", plain(block.link.label)));
          break;
        default:
          break;
      }
    }
  }

  /** A date picker: the day is sent exactly like a button press, with the day picked. */
  function datePickerRow(message, picker) {
    const row = el("div", "actions date-picker");
    const input = el("input");
    input.type = "date";
    input.setAttribute("aria-label", "Pick a day");
    if (picker.initialDate) input.value = picker.initialDate;
    const button = el("button", "primary", plain(picker.label));
    button.type = "button";
    button.addEventListener("click", async () => {
      if (!input.value) return toast("Pick a day first.", "error");
      button.disabled = true;
      try {
        const { outcome } = await api("/demo/api/action", {
          user: state.me.id,
          messageId: message.id,
          actionId: picker.actionId,
          value: picker.value,
          picked: input.value,
          requestId: requestId(),
        });
        handleOutcome(outcome, message.id);
      } catch (error) {
        toast(error.message, "error");
      } finally {
        button.disabled = false;
      }
    });
    row.appendChild(input);
    row.appendChild(button);
    return row;
  }

  function actionButton(message, spec) {
    const button = el("button", spec.style || "", plain(spec.label));
    button.type = "button";
    button.addEventListener("click", async () => {
      if (spec.confirm && !(await confirmDialog(spec.confirm))) return;
      button.disabled = true;
      try {
        const { outcome } = await api("/demo/api/action", {
          user: state.me.id,
          messageId: message.id,
          actionId: spec.actionId,
          value: spec.value,
          requestId: requestId(),
        });
        handleOutcome(outcome, message.id);
      } catch (error) {
        toast(error.message, "error");
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  function authorOf(message) {
    if (message.author.kind === "bot") return { name: "Offboard", avatarClass: "bot", tag: "App", tagClass: "bot-tag" };
    const user = state.usersById.get(message.author.userId);
    const party = user ? user.party : "customer";
    return {
      name: message.author.name,
      avatarClass: party,
      tag: partyLabel[party] || message.author.teamId,
      tagClass: "",
    };
  }

  function renderMessage(message, options) {
    const who = authorOf(message);
    const row = el("article", "message" + (message.visibleTo ? " ephemeral" : ""));
    row.dataset.id = message.id;
    row.appendChild(el("div", "avatar " + who.avatarClass, message.author.kind === "bot" ? "OB" : initials(who.name)));
    const content = el("div", "content");
    const meta = el("div", "meta");
    meta.appendChild(el("span", "author", who.name));
    meta.appendChild(el("span", "tag " + who.tagClass, who.tag));
    meta.appendChild(el("span", "time", timeOf(message.at)));
    if (message.editedAt) meta.appendChild(el("span", "edited", "(edited)"));
    if (message.visibleTo) meta.appendChild(el("span", "only-you", "Only visible to you"));
    content.appendChild(meta);
    const body = el("div", "body");
    renderBlocks(message, body);
    content.appendChild(body);
    if (options.threadable && !message.visibleTo) {
      const count = message.replyCount || 0;
      const link = el(
        "button",
        "thread-link",
        count === 0 ? "Reply in thread" : count === 1 ? "1 reply" : count + " replies",
      );
      link.type = "button";
      link.addEventListener("click", () => openThread(message.id));
      content.appendChild(link);
    }
    row.appendChild(content);
    return row;
  }

  function renderList(container, messages, options, emptyText, leading) {
    const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
    container.replaceChildren();
    if (leading) container.appendChild(leading);
    if (messages.length === 0) container.appendChild(el("div", "empty", emptyText));
    for (const message of messages) container.appendChild(renderMessage(message, options));
    if (nearBottom || options.forceScroll) container.scrollTop = container.scrollHeight;
  }

  const byId = (a, b) => Number(a.id) - Number(b.id);

  /** Which panes show: the Slack-like pane (channel or DMs) and its thread, the Teams-like pane, or both homes. */
  function applyLayout() {
    const teamsOnly = state.view === "teams" && !state.sideBySide;
    document.querySelector(".app").classList.toggle("side-by-side", state.sideBySide);
    $("main-pane").hidden = teamsOnly;
    $("teams-pane").hidden = !(state.sideBySide || state.view === "teams");
    $("thread-pane").hidden = teamsOnly || !state.openThread;
    const toggle = $("layout-toggle");
    toggle.setAttribute("aria-pressed", String(state.sideBySide));
    $("nav-teams").classList.toggle("active", state.view === "teams" || state.sideBySide);
    const badge = $("teams-badge");
    badge.hidden = state.unreadTeams === 0;
    badge.textContent = String(state.unreadTeams);
  }

  function renderMain(forceScroll) {
    const container = $("channel-messages");
    applyLayout();
    if (state.view !== "direct") {
      $("pane-title").textContent = "# " + state.channel.name;
      $("pane-subtitle").textContent = state.channel.place + " · shared by the customer, AWS and the partner";
      $("channel-composer").hidden = false;
      renderList(
        container,
        [...state.channelMessages.values()].sort(byId),
        { threadable: true, forceScroll },
        "No messages yet. Type /offboard start to open a case.",
      );
    } else {
      $("pane-title").textContent = "Offboard";
      $("pane-subtitle").textContent =
        "Direct messages from the bot to " + state.me.name + " (credential links arrive here)";
      $("channel-composer").hidden = true;
      renderList(
        container,
        [...state.directMessages.values()].sort(byId),
        { threadable: false, forceScroll },
        "No direct messages.",
      );
    }
    $("nav-channel").classList.toggle(
      "active",
      state.view === "channel" || (state.sideBySide && state.view !== "direct"),
    );
    $("nav-direct").classList.toggle("active", state.view === "direct");
    const badge = $("dm-badge");
    badge.hidden = state.unreadDirect === 0;
    badge.textContent = String(state.unreadDirect);
  }

  function renderThread(forceScroll) {
    applyLayout();
    if (!state.openThread) return;
    const container = $("thread-messages");
    const replies = [...state.openThread.replies.values()].sort(byId);
    const root = renderMessage(state.openThread.root, { threadable: false });
    root.classList.add("thread-root");
    renderList(container, replies, { threadable: false, forceScroll }, "No replies yet.", root);
  }

  // ---------------------------------------------------------------- the Teams-like channel (demo-teams.js)

  function teams() {
    state.teamsPane ??= window.createTeamsPane({
      container: $("teams-messages"),
      el,
      renderMessage,
      wireTextBox,
      channelId: () => state.teamsChannel.id,
    });
    return state.teamsPane;
  }

  function teamsReceived(message, isNew) {
    teams().receive(message);
    showBothHomesOnceLinked();
    const teamsShown = state.sideBySide || state.view === "teams";
    if (isNew && !teamsShown) {
      state.unreadTeams += 1;
      applyLayout();
    }
  }

  /** A case card in the Teams-like channel means a case has two homes: show both, unless a layout was chosen. */
  function showBothHomesOnceLinked() {
    if (state.layoutChosen || state.sideBySide) return;
    if (!teams().hasCase()) return;
    state.sideBySide = true;
    state.unreadTeams = 0;
    if (state.view === "teams") state.view = "channel";
    renderMain(false);
  }

  // ---------------------------------------------------------------- loading and live updates

  async function loadAll() {
    const me = encodeURIComponent(state.me.id);
    const [channel, teamsPosts, direct] = await Promise.all([
      api("/demo/api/channel?user=" + me),
      api("/demo/api/channel?user=" + me + "&channel=" + encodeURIComponent(state.teamsChannel.id)),
      api("/demo/api/direct?user=" + me),
    ]);
    // Every public post's replies: a reply only this person sees is not counted in replyCount.
    const threads = await Promise.all(
      teamsPosts.messages
        .filter((m) => !m.visibleTo)
        .map((m) => api("/demo/api/thread/" + encodeURIComponent(m.id) + "?user=" + me)),
    );
    teams().load(teamsPosts.messages, threads);
    showBothHomesOnceLinked();
    state.channelMessages = new Map(channel.messages.map((m) => [m.id, m]));
    state.directMessages = new Map(direct.messages.map((m) => [m.id, m]));
    renderMain(true);
    if (state.openThread) await openThread(state.openThread.root.id);
  }

  async function openThread(threadId) {
    try {
      const { root, replies } = await api(
        "/demo/api/thread/" + encodeURIComponent(threadId) + "?user=" + encodeURIComponent(state.me.id),
      );
      state.openThread = { root, replies: new Map(replies.map((m) => [m.id, m])) };
      renderThread(true);
      $("thread-input").focus();
    } catch (error) {
      toast(error.message, "error");
    }
  }

  function received(message, isNew) {
    if (message.directTo !== undefined) {
      if (message.directTo !== state.me.id) return;
      state.directMessages.set(message.id, message);
      if (isNew && state.view !== "direct") state.unreadDirect += 1;
      renderMain(false);
      return;
    }
    if (message.channelId === state.teamsChannel.id) {
      teamsReceived(message, isNew);
      return;
    }
    if (message.channelId !== state.channel.id) return;
    if (message.threadId !== undefined) {
      if (state.openThread && state.openThread.root.id === message.threadId) {
        state.openThread.replies.set(message.id, message);
        renderThread(false);
      }
      return;
    }
    state.channelMessages.set(message.id, message);
    if (state.openThread && state.openThread.root.id === message.id) {
      state.openThread.root = message;
      renderThread(false);
    }
    if (state.view !== "direct") renderMain(false);
  }

  function connect() {
    if (state.events) state.events.close();
    const connection = $("connection");
    connection.dataset.state = "connecting";
    connection.textContent = "connecting…";
    const events = new EventSource("/demo/events?user=" + encodeURIComponent(state.me.id));
    state.events = events;
    // `ready` comes once the server is subscribed: loading after it misses nothing (and on every reconnect).
    events.addEventListener("ready", () => {
      connection.dataset.state = "live";
      connection.textContent = "live";
      loadAll().catch((error) => toast(error.message, "error"));
    });
    events.addEventListener("posted", (event) => received(JSON.parse(event.data), true));
    events.addEventListener("updated", (event) => received(JSON.parse(event.data), false));
    events.addEventListener("error", () => {
      connection.dataset.state = "down";
      connection.textContent = "reconnecting…";
    });
  }

  // ---------------------------------------------------------------- outcomes, dialogs, forms

  /** `pressedId`: the message whose button was pressed; a form it opens is submitted from that message's place. */
  function handleOutcome(outcome, pressedId) {
    if (!outcome) return;
    if (outcome.openForm) openForm(outcome.openForm, pressedId);
    // A notice is the core's markup: mentions read as names, dates in the browser's locale.
    if (outcome.notice) toast(plainMentions(shield(localDates(outcome.notice))));
  }

  function confirmDialog(spec) {
    const dialog = $("confirm-dialog");
    $("confirm-title").textContent = plain(spec.title);
    $("confirm-text").replaceChildren();
    renderInline(spec.text, $("confirm-text"));
    $("confirm-ok").textContent = spec.confirm;
    $("confirm-deny").textContent = spec.deny;
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  function openForm(model, pressedId) {
    const dialog = $("form-dialog");
    const form = $("form-dialog-form");
    $("form-title").textContent = model.title;
    $("form-submit").textContent = model.submitLabel;
    const inputs = $("form-inputs");
    inputs.replaceChildren();
    // What the form is about (an approval: the plan in one line, what it leaves out, the fingerprint).
    if (model.intro && model.intro.length) {
      const intro = el("div", "form-intro");
      renderBlocks({ body: { text: "", blocks: model.intro } }, intro);
      inputs.appendChild(intro);
    }
    for (const spec of model.inputs) {
      const field = el("div", "form-field");
      field.dataset.field = spec.id;
      const label = el("label", "", spec.label);
      label.htmlFor = "form-" + spec.id;
      if (spec.optional) label.appendChild(el("span", "optional", " (optional)"));
      field.appendChild(label);
      if (spec.hint) field.appendChild(el("div", "hint", spec.hint));
      let control;
      if (spec.options) {
        control = el("select");
        if (spec.optional) control.appendChild(new window.Option("—", ""));
        for (const option of spec.options) control.appendChild(new window.Option(option.label, option.value));
      } else if (spec.multiline) {
        control = el("textarea");
        control.rows = 3;
      } else {
        control = el("input");
        control.type = "text";
      }
      control.id = "form-" + spec.id;
      control.name = spec.id;
      if (spec.initialValue !== undefined) control.value = spec.initialValue;
      field.appendChild(control);
      inputs.appendChild(field);
    }
    form.onsubmit = async (event) => {
      event.preventDefault();
      const values = {};
      for (const spec of model.inputs) values[spec.id] = form.elements.namedItem(spec.id).value;
      $("form-submit").disabled = true;
      try {
        const { outcome } = await api("/demo/api/form", {
          user: state.me.id,
          callbackId: model.callbackId,
          ...(pressedId ? { messageId: pressedId } : {}),
          values,
          requestId: requestId(),
        });
        showFormErrors(outcome && outcome.formErrors);
        if (!outcome || !outcome.formErrors || Object.keys(outcome.formErrors).length === 0) {
          dialog.close();
          handleOutcome(outcome);
        }
      } catch (error) {
        toast(error.message, "error");
      } finally {
        $("form-submit").disabled = false;
      }
    };
    $("form-cancel").onclick = () => dialog.close();
    showFormErrors(undefined);
    dialog.showModal();
  }

  function showFormErrors(errors) {
    for (const field of $("form-inputs").querySelectorAll(".form-field")) {
      field.classList.remove("invalid");
      const old = field.querySelector(".error");
      if (old) old.remove();
      const problem = errors && errors[field.dataset.field];
      if (problem) {
        field.classList.add("invalid");
        field.appendChild(el("div", "error", plain(problem)));
      }
    }
    const first = $("form-inputs").querySelector(".invalid input, .invalid textarea, .invalid select");
    if (first) first.focus();
  }

  // ---------------------------------------------------------------- composing

  /** A text box that sends what is typed to `where()`: `{ channelId, threadId }` (both optional). */
  function wireTextBox(form, input, where) {
    const send = async () => {
      const text = input.value.trim();
      if (!text) return;
      input.disabled = true;
      try {
        const { outcome } = await api("/demo/api/message", {
          user: state.me.id,
          text,
          ...where(),
          requestId: requestId(),
        });
        input.value = "";
        autosize(input);
        handleOutcome(outcome);
      } catch (error) {
        toast(error.message, "error");
      } finally {
        input.disabled = false;
        input.focus();
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    input.addEventListener("input", () => autosize(input));
  }

  function wireComposer(formId, inputId, where) {
    wireTextBox($(formId), $(inputId), where);
  }

  function autosize(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = Math.min(textarea.scrollHeight, 160) + "px";
  }

  // ---------------------------------------------------------------- users

  function renderSwitcher() {
    const select = $("user-switcher");
    select.replaceChildren();
    for (const party of ["customer", "aws", "partner"]) {
      const group = document.createElement("optgroup");
      group.label = partyLabel[party];
      for (const user of state.users.filter((u) => u.party === party))
        group.appendChild(new window.Option(user.name + " (" + partyLabel[party] + ")", user.id));
      if (group.children.length) select.appendChild(group);
    }
    select.value = state.me.id;
    select.addEventListener("change", () => actAs(select.value));
  }

  function actAs(userId) {
    const user = state.usersById.get(userId);
    if (!user) return;
    state.me = user;
    localStorage.setItem("offboard-demo-user", user.id);
    state.unreadDirect = 0;
    state.unreadTeams = 0;
    state.openThread = undefined;
    renderThread(false);
    const acting = $("acting-as");
    acting.replaceChildren(
      el("span", "avatar " + user.party, initials(user.name)),
      el("span", "", user.title + " · " + user.teamId),
    );
    $("user-switcher").value = user.id;
    connect();
  }

  async function start() {
    const session = await api("/demo/api/session");
    state.users = session.users;
    state.usersById = new Map(session.users.map((u) => [u.id, u]));
    const channels = session.channels || [session.channel];
    state.channel = channels.find((c) => c.look !== "teams") || channels[0];
    state.teamsChannel = channels.find((c) => c.look === "teams") || { id: "", name: "", place: "" };
    $("channel-name").textContent = state.channel.name;
    $("slack-place").textContent = state.channel.place || "Channels";
    $("teams-channel-name").textContent = state.teamsChannel.name;
    $("teams-place").textContent = state.teamsChannel.place;
    $("teams-title").textContent = state.teamsChannel.name;
    $("teams-subtitle").textContent = state.teamsChannel.place;
    const params = new URLSearchParams(window.location.search);
    const chosen = params.get("layout") || localStorage.getItem("offboard-demo-layout");
    state.layoutChosen = chosen === "side-by-side" || chosen === "single";
    state.sideBySide = chosen === "side-by-side";
    const wanted =
      new URLSearchParams(window.location.search).get("user") || localStorage.getItem("offboard-demo-user");
    state.me = state.usersById.get(wanted) || session.users[0];
    renderSwitcher();
    wireComposer("channel-composer", "channel-input", () => ({ channelId: state.channel.id }));
    wireComposer("thread-composer", "thread-input", () => ({
      channelId: state.channel.id,
      threadId: state.openThread ? state.openThread.root.id : undefined,
    }));
    wireComposer("teams-composer", "teams-input", () => ({ channelId: state.teamsChannel.id }));
    $("thread-close").addEventListener("click", () => {
      state.openThread = undefined;
      renderThread(false);
    });
    $("nav-channel").addEventListener("click", () => {
      state.view = "channel";
      renderMain(true);
      renderThread(false);
    });
    $("nav-teams").addEventListener("click", () => {
      state.view = state.sideBySide ? state.view : "teams";
      state.unreadTeams = 0;
      renderMain(false);
      const posts = $("teams-messages");
      posts.scrollTop = posts.scrollHeight;
    });
    $("layout-toggle").addEventListener("click", () => {
      state.sideBySide = !state.sideBySide;
      state.layoutChosen = true;
      localStorage.setItem("offboard-demo-layout", state.sideBySide ? "side-by-side" : "single");
      if (state.sideBySide) state.unreadTeams = 0;
      if (!state.sideBySide && state.view === "teams") state.view = "channel";
      renderMain(false);
    });
    $("nav-direct").addEventListener("click", () => {
      state.view = "direct";
      state.unreadDirect = 0;
      renderMain(true);
    });
    actAs(state.me.id);
  }

  start().catch((error) => toast("The demo could not start: " + error.message, "error"));
})();
