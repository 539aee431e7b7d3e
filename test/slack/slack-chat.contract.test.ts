import { chatContract, declaredCapabilities } from "../support/chat-contract";
import { startSlackContract } from "../support/chat-harnesses";

/** SlackChat against the fake Web API: the chat contract, unchanged. */
chatContract("Slack (SlackChat, Web API)", declaredCapabilities.slack, startSlackContract);
