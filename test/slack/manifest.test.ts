import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { slackEventsPath } from "../../adapters/slack";
import { slackBotEvents, slackBotScopes } from "../../adapters/slack/slack-scopes";

/** manifest.yml asks Slack for exactly what the adapter uses, and sends everything to the one endpoint. */
interface Manifest {
  features: {
    slash_commands: { command: string; url: string; should_escape: boolean }[];
    bot_user: { display_name: string };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(path.join(__dirname, "../../manifest.yml"), "utf8")) as Manifest;

describe("the Slack app manifest", () => {
  it("lists exactly the bot scopes the adapter uses", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(Object.keys(slackBotScopes).sort());
  });

  it("subscribes exactly the events the listeners handle", () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...slackBotEvents].sort());
  });

  it("has the /offboard command with escaped mentions, and interactivity, all on /slack/events", () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: "/offboard", should_escape: true }),
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(urls.every((u) => new URL(u).pathname === slackEventsPath)).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
