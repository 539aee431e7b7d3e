import { chatContract, declaredCapabilities } from "../support/chat-contract";
import { startTeamsContract } from "../support/chat-harnesses";

/** TeamsChat through botbuilder's CloudAdapter and the fake Bot Connector: the chat contract, unchanged. */
chatContract("Teams (TeamsChat, Bot Connector)", declaredCapabilities.teams, startTeamsContract);
