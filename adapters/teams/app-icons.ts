import { deflateSync } from "node:zlib";

/**
 * The Teams app's two icons, drawn in code so the repository needs no image files or image library:
 * `color.png` (192×192, the glyph in white on the accent colour) and `outline.png` (32×32, the glyph
 * in white on transparent, as Teams requires). The glyph is a door frame with an arrow leaving it.
 */
export const accentColor = "#1F4E79";

type Rgba = [number, number, number, number];

/** Coverage (0..1) of the glyph at a point of the unit square. */
function glyph(x: number, y: number): boolean {
  const stroke = 0.08;
  const inRect = (x0: number, y0: number, x1: number, y1: number) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  // The door frame: left, top, bottom and the right side above and below the opening.
  const frame =
    inRect(0.18, 0.18, 0.18 + stroke, 0.82) ||
    inRect(0.18, 0.18, 0.58, 0.18 + stroke) ||
    inRect(0.18, 0.82 - stroke, 0.58, 0.82) ||
    inRect(0.58 - stroke, 0.18, 0.58, 0.38) ||
    inRect(0.58 - stroke, 0.62, 0.58, 0.82);
  const shaft = inRect(0.36, 0.455, 0.7, 0.545);
  // The arrow head: a triangle with its tip at (0.86, 0.5) and its base at x = 0.66.
  const head = x >= 0.66 && x <= 0.86 && Math.abs(y - 0.5) <= ((0.86 - x) / 0.2) * 0.18;
  return frame || shaft || head;
}

/** Draws the glyph at `size` pixels with 4×4 supersampling for smooth edges. */
function drawIcon(size: number, foreground: Rgba, background: Rgba): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++)
          if (glyph((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size)) covered++;
      const a = covered / (samples * samples);
      const o = (py * size + px) * 4;
      if (background[3] === 0) {
        // Transparent background: the glyph keeps its pure colour and only its alpha varies.
        pixels.set([foreground[0], foreground[1], foreground[2], Math.round(foreground[3] * a)], o);
      } else {
        for (let c = 0; c < 3; c++) pixels[o + c] = Math.round(foreground[c] * a + background[c] * (1 - a));
        pixels[o + 3] = 255;
      }
    }
  }
  return encodePng(size, size, pixels);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A minimal PNG encoder: 8-bit RGBA, no filtering, one IDAT chunk. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function hexColor(hex: string): Rgba {
  const n = parseInt(hex.replace("#", ""), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, 255];
}

/** 192×192: the white glyph on the accent colour, edge to edge (Teams rounds the corners itself). */
export function colorIcon(): Buffer {
  return drawIcon(192, [255, 255, 255, 255], hexColor(accentColor));
}

/** 32×32: the glyph in white, everything else fully transparent. */
export function outlineIcon(): Buffer {
  return drawIcon(32, [255, 255, 255, 255], [0, 0, 0, 0]);
}
