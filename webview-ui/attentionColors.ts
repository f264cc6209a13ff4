// Colours of the attention views, read from the theme's --vscode-* variables so that light, dark
// and high-contrast themes all work: a sequential ramp from the editor background to an accent,
// a diverging ramp for signed values (position encodings), and one colour per head.

export type Rgb = [number, number, number];

export interface Palette {
  background: Rgb;
  foreground: Rgb;
  muted: Rgb;
  accent: Rgb;
  negative: Rgb;
  focus: Rgb;
  font: string;
  heads: Rgb[];
}

/** `#rgb`, `#rrggbb(aa)` or `rgb(a)(…)` → [r, g, b]; `fallback` when unreadable. */
export function parseColor(value: string, fallback: Rgb): Rgb {
  const v = value.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(v);
  if (m) return [0, 1, 2].map((k) => parseInt(m![1][k] + m![1][k], 16)) as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(v);
  if (m) return [0, 2, 4].map((k) => parseInt(m![1].slice(k, k + 2), 16)) as Rgb;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(v);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return fallback;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: Rgb): Rgb {
  return parseColor(style.getPropertyValue(name), fallback);
}

const HEAD_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const HEAD_FALLBACK: Rgb[] = [[55, 148, 255], [209, 134, 22], [56, 154, 71], [176, 126, 240], [229, 83, 75], [204, 167, 0]];

/**
 * The palette of the current theme (read again when the theme changes: body class changes).
 * `surface`: where the page lives — the side bar (the Attention view) or the editor area (panels).
 */
export function readPalette(surface: 'sideBar' | 'editor' = 'sideBar'): Palette {
  const style = getComputedStyle(document.body);
  const editor = cssVar(style, '--vscode-editor-background', [30, 30, 30]);
  const background = surface === 'sideBar' ? cssVar(style, '--vscode-sideBar-background', editor) : editor;
  const foreground = cssVar(style, '--vscode-foreground', [204, 204, 204]);
  const base = HEAD_VARS.map((v, k) => cssVar(style, v, HEAD_FALLBACK[k]));
  // Twelve heads: the six chart colours, then the same mixed halfway with the foreground.
  const heads = [...base, ...base.map((c) => mix(c, foreground, 0.45))];
  return {
    background,
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', mix(foreground, background, 0.4)),
    accent: cssVar(style, '--vscode-charts-orange', [209, 134, 22]),
    negative: cssVar(style, '--vscode-charts-blue', [55, 148, 255]),
    focus: cssVar(style, '--vscode-focusBorder', [0, 127, 212]),
    font: style.getPropertyValue('--vscode-font-family') || 'sans-serif',
    heads,
  };
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function css(c: Rgb, alpha = 1): string {
  const [r, g, b] = c.map((x) => Math.round(x));
  return alpha >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${alpha.toFixed(3)})`;
}

/** Smallest share of the ramp a non-zero weight gets, so "tiny" never looks like "masked". */
export const MIN_VISIBLE = 0.06;

/**
 * A weight in [0, max] → the sequential ramp, on a square-root scale (attention is mostly small
 * weights: a linear ramp hides them behind the few large ones); exactly the background for 0.
 */
export function rampColor(p: Palette, value: number, max: number): Rgb {
  if (!(value > 0) || !(max > 0)) return p.background;
  const t = Math.max(MIN_VISIBLE, Math.min(1, Math.sqrt(value / max)));
  return mix(p.background, p.accent, t);
}

/** A signed value in [−max, max] → blue (negative) … background … orange (positive). */
export function divergingColor(p: Palette, value: number, max: number): Rgb {
  if (!(max > 0) || value === 0) return p.background;
  const t = Math.max(-1, Math.min(1, value / max));
  return t > 0 ? mix(p.background, p.accent, t) : mix(p.background, p.negative, -t);
}

export function headColor(p: Palette, head: number): Rgb {
  return p.heads[head % p.heads.length];
}

export function maxOf(data: Float32Array): number {
  let m = 0;
  for (let k = 0; k < data.length; k++) if (data[k] > m) m = data[k];
  return m;
}

export function maxAbs(data: Float32Array): number {
  let m = 0;
  for (let k = 0; k < data.length; k++) m = Math.max(m, Math.abs(data[k]));
  return m;
}
