import { chatContract, declaredCapabilities } from "../support/chat-contract";
import { startDemoContract } from "../support/chat-harnesses";

/** DemoChat read back through the demo page's own API: the chat contract, unchanged. */
chatContract("the demo channel (DemoChat)", declaredCapabilities.web, startDemoContract);
