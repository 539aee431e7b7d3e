import JSZip from "jszip";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { fillPlaceholders, zeroGuid } from "../../adapters/teams/app-package";
import { writeTeamsPackage } from "../../scripts/teams-package";

/** Width, height, colour type and RGBA pixels of a PNG (8-bit RGBA, unfiltered rows, as the packager writes). */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  colorType: number;
  pixel: (x: number, y: number) => number[];
} {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") [width, height, colorType] = [body.readUInt32BE(0), body.readUInt32BE(4), body[9]];
    if (type === "IDAT") data.push(body);
    offset += length + 12;
  }
  const rows = inflateSync(Buffer.concat(data));
  const pixel = (x: number, y: number) => {
    const at = y * (width * 4 + 1) + 1 + x * 4;
    return [...rows.subarray(at, at + 4)];
  };
  return { width, height, colorType, pixel };
}

describe("npm run teams:package", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "offboard-teams-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes a zip whose manifest has every required field of schema 1.17, filled from the environment", async () => {
    const appId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const { file, warnings } = await writeTeamsPackage(path.join(dir, "offboard-teams.zip"), {
      MicrosoftAppId: appId,
      PUBLIC_BASE_URL: "https://offboard.partner.example/",
    });
    expect(warnings).toEqual([]);
    const zip = await JSZip.loadAsync(await readFile(file));
    expect(Object.keys(zip.files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(await zip.file("manifest.json")!.async("string"));
    expect(JSON.stringify(manifest)).not.toMatch(/\$\{\{/);
    expect(manifest.$schema).toBe(
      "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json",
    );
    expect(manifest.manifestVersion).toBe("1.17");
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.id).toBe(appId);
    expect(manifest.developer).toEqual({
      name: "Offboard",
      websiteUrl: "https://offboard.partner.example",
      privacyUrl: "https://offboard.partner.example/privacy",
      termsOfUseUrl: "https://offboard.partner.example/terms",
    });
    expect(manifest.name.short.length).toBeGreaterThan(0);
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeGreaterThan(manifest.description.short.length);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });
    expect(manifest.accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    expect(manifest.validDomains).toEqual(["offboard.partner.example"]);
    expect(manifest.supportedChannelTypes).toEqual(["sharedChannels", "privateChannels"]);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(appId);
    expect(bot.scopes).toEqual(["team", "groupChat", "personal"]);
    const teamCommands = bot.commandLists
      .find((l: { scopes: string[] }) => l.scopes.includes("team"))
      .commands.map((c: { title: string }) => c.title);
    expect(teamCommands).toEqual(
      expect.arrayContaining(["start", "status", "edit", "approve", "assign aws", "run", "cancel", "export", "help"]),
    );
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
    }
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({
      name: "ChannelMessage.Read.Group",
      type: "Application",
    });
  });

  it("draws a 192×192 colour icon and a 32×32 outline icon that is white on transparent", async () => {
    const zip = await JSZip.loadAsync(await readFile(path.join(dir, "offboard-teams.zip")));
    const color = decodePng(await zip.file("color.png")!.async("nodebuffer"));
    expect([color.width, color.height, color.colorType]).toEqual([192, 192, 6]);
    expect(color.pixel(0, 0)).toEqual([0x1f, 0x4e, 0x79, 255]);
    const outline = decodePng(await zip.file("outline.png")!.async("nodebuffer"));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let opaque = 0;
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = outline.pixel(x, y);
        if (a > 0) expect([r, g, b]).toEqual([255, 255, 255]);
        if (a === 255) opaque++;
      }
    }
    expect(outline.pixel(0, 0)[3]).toBe(0);
    expect(opaque).toBeGreaterThan(50);
    expect(opaque).toBeLessThan((32 * 32) / 2);
  });

  it("stands in a zero GUID and example links with a warning for each missing value", async () => {
    const { file, warnings } = await writeTeamsPackage(path.join(dir, "unconfigured.zip"), {});
    expect(warnings).toEqual([
      expect.stringMatching(/MicrosoftAppId is not set/),
      expect.stringMatching(/PUBLIC_BASE_URL is not set/),
    ]);
    const manifest = JSON.parse(
      await (await JSZip.loadAsync(await readFile(file))).file("manifest.json")!.async("string"),
    );
    expect(manifest.id).toBe(zeroGuid);
    expect(manifest.bots[0].botId).toBe(zeroGuid);
  });

  it("refuses a manifest placeholder it does not know", () => {
    expect(() => fillPlaceholders('{"id": "${{TEAMS_APP_ID}}"}', { MICROSOFT_APP_ID: zeroGuid })).toThrow(
      /TEAMS_APP_ID/,
    );
  });
});
