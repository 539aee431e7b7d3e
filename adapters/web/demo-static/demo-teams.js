/* global window */
/**
 * The demo's Teams-like channel: posts as cards, each post's replies under it, and a reply box per conversation, as
 * a Teams channel shows a conversation. demo.js owns the page and hands in what drawing needs; this file keeps the
 * channel's posts and replies and draws them. Each conversation is drawn once and then refreshed in place, so a reply
 * being typed survives the live updates around it. Built with DOM calls and textContent only, as demo.js.
 */
"use strict";

/**
 * @param deps.container the element the conversations go into
 * @param deps.el, deps.renderMessage demo.js's element and message builders
 * @param deps.wireTextBox demo.js's sender: (form, input, where) where() gives { channelId, threadId }
 * @param deps.channelId () => the Teams-like channel's id
 */
window.createTeamsPane = function createTeamsPane(deps) {
  const { container, el, renderMessage, wireTextBox, channelId } = deps;
  let roots = new Map();
  let replies = new Map();
  let nodes = new Map();
  const byId = (a, b) => Number(a.id) - Number(b.id);

  function conversation(rootId) {
    let node = nodes.get(rootId);
    if (node) return node;
    const wrapper = el("div", "teams-conversation");
    wrapper.dataset.id = rootId;
    const rootSlot = el("div", "teams-root");
    const repliesSlot = el("div", "teams-replies");
    repliesSlot.hidden = true;
    const replyBox = el("div", "teams-reply-box");
    const open = el("button", "teams-reply-open", "↩ Reply");
    open.type = "button";
    const form = el("form", "teams-reply-form");
    form.hidden = true;
    const input = el("textarea");
    input.rows = 1;
    input.placeholder = "Reply";
    input.setAttribute("aria-label", "Reply to this conversation");
    const sendButton = el("button", "send", "Send");
    sendButton.type = "submit";
    form.append(input, sendButton);
    open.addEventListener("click", () => {
      open.hidden = true;
      form.hidden = false;
      input.focus();
    });
    wireTextBox(form, input, () => ({ channelId: channelId(), threadId: rootId }));
    replyBox.append(open, form);
    wrapper.append(rootSlot, repliesSlot, replyBox);
    node = { wrapper, rootSlot, repliesSlot, replyBox };
    nodes.set(rootId, node);
    // Conversations in the order they were started (ids grow), whatever order they are drawn in.
    const later = [...container.querySelectorAll(".teams-conversation")].find(
      (n) => Number(n.dataset.id) > Number(rootId),
    );
    container.querySelector(".empty")?.remove();
    container.insertBefore(wrapper, later || null);
    return node;
  }

  function draw(rootId) {
    const root = roots.get(rootId);
    if (!root) return;
    const node = conversation(rootId);
    node.rootSlot.replaceChildren(renderMessage(root, { threadable: false }));
    const shown = [...(replies.get(rootId) || new Map()).values()].sort(byId);
    node.repliesSlot.replaceChildren(...shown.map((reply) => renderMessage(reply, { threadable: false })));
    node.repliesSlot.hidden = shown.length === 0;
    // Nobody replies to words only one person sees.
    node.replyBox.hidden = Boolean(root.visibleTo);
  }

  /** Runs `change`, says so when the channel is empty, and keeps the view at the bottom if it was there. */
  function redraw(change) {
    const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
    change();
    if (roots.size === 0 && !container.querySelector(".empty"))
      container.appendChild(
        el(
          "div",
          "empty",
          "No posts yet. A case joins this channel with @Offboard join and the code from /offboard link.",
        ),
      );
    if (nearBottom) container.scrollTop = container.scrollHeight;
  }

  return {
    /** Everything anew: the channel's posts and, per post, `{ root, replies }` as the thread API gives them. */
    load(posts, threads) {
      roots = new Map(posts.map((m) => [m.id, m]));
      replies = new Map(threads.map(({ root, replies: list }) => [root.id, new Map(list.map((m) => [m.id, m]))]));
      nodes = new Map();
      container.replaceChildren();
      redraw(() => {
        for (const id of [...roots.keys()].sort((a, b) => Number(a) - Number(b))) draw(id);
      });
      container.scrollTop = container.scrollHeight;
    },
    /** A post or reply of the channel, new or edited. */
    receive(message) {
      redraw(() => {
        if (message.threadId !== undefined) {
          if (!replies.has(message.threadId)) replies.set(message.threadId, new Map());
          replies.get(message.threadId).set(message.id, message);
          draw(message.threadId);
        } else {
          roots.set(message.id, message);
          draw(message.id);
        }
      });
    },
    /** Whether a case lives here: a card the bot posted for everyone. */
    hasCase() {
      return [...roots.values()].some((m) => m.author.kind === "bot" && !m.visibleTo);
    },
  };
};
