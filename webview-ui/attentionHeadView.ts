// The head view (as in bertviz): the tokens in two columns, a line from each query token (left)
// to each key token (right) with opacity = weight, one colour per head. Hovering or focusing a
// token isolates its lines. Windowed: only the rows in view are drawn, so 1,024 tokens stay smooth;
// and only the k strongest links of each query token are drawn (topEdges.ts), so that they stay a
// picture and not a solid block.
import { css, headColor, type Palette } from './attentionColors';
import { CanvasWindowView, clip, escapeXml } from './canvasWindow';
import { h } from './dom';
import { matrixValues, type MatrixData, type MatrixValues } from './matrixValues';
import { topK } from './topEdges';

export interface HeadViewSpec {
  n: number;
  labels: string[];
  special: boolean[];
  /** Head numbers, in the order of `matrices`. */
  heads: number[];
  matrices: MatrixData[];
  /** The links drawn per query token, strongest first (0: all). */
  topK: number;
  ariaLabel: string;
}

type Focus = { side: 'from' | 'to'; index: number } | undefined;

const ROW = 20;
/** A link drawn is at least this share as opaque as its row's strongest, so that long rows of small weights still show. */
const RELATIVE_ALPHA = 0.6;

export class HeadView extends CanvasWindowView<NonNullable<Focus>> {
  readonly element: HTMLElement;
  private spec: HeadViewSpec | undefined;
  private values: MatrixValues[] = [];
  /** Per matrix, per query row: its top-k keys, computed when the row is first drawn. */
  private edges: Array<Array<number[] | undefined>> = [];
  private focus: Focus;

  constructor(
    palette: () => Palette,
    private readonly describe: (from: string, to: string, weight: number) => string,
    private readonly noFocus: string,
  ) {
    super(palette, 'matrix-wrapper headview', noFocus);
    this.element = h('div', { class: 'matrix' }, this.wrapper, this.status);
  }

  set(spec: HeadViewSpec): void {
    this.spec = spec;
    this.values = spec.matrices.map((m) => matrixValues(spec.n, spec.n, m));
    this.edges = spec.matrices.map(() => new Array<number[] | undefined>(spec.n));
    this.scroller.setAttribute('aria-label', spec.ariaLabel);
    if (this.focus && this.focus.index >= spec.n) this.focus = undefined;
    this.layout();
  }

  repaint(): void {
    this.draw();
  }

  /**
   * Scrolls query token `i` (the token under the editor's cursor) into view. It is not focused:
   * a focus would isolate its lines and hide the picture of the other tokens' strongest links.
   */
  revealToken(i: number | undefined): void {
    const spec = this.spec;
    if (!spec || i === undefined || i < 0 || i >= spec.n) return;
    const top = 4 + i * ROW;
    const view = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop || top + ROW > this.scroller.scrollTop + view) this.scroller.scrollTop = Math.max(0, top - (view - ROW) / 2);
  }


  protected layout(): void {
    const spec = this.spec;
    if (!spec) return;
    this.spacer.style.height = `${spec.n * ROW + 8}px`;
    this.spacer.style.width = '1px';
    this.wrapper.style.height = `${Math.min(spec.n * ROW + 12, Math.max(200, window.innerHeight * 0.72))}px`;
    this.draw();
  }

  private columns(width: number): { colW: number; leftX: number; rightX: number } {
    const colW = Math.min(150, Math.max(60, width * 0.3));
    return { colW, leftX: colW, rightX: width - colW };
  }

  /** The keys of query row `i` drawn for matrix `k`, strongest first. */
  private rowEdges(k: number, i: number): number[] {
    const spec = this.spec!;
    let row = this.edges[k][i];
    if (!row) {
      const m = this.values[k];
      const weights = new Float64Array(spec.n);
      for (let j = 0; j < spec.n; j++) weights[j] = m.value(i, j);
      row = topK(weights, spec.topK > 0 ? spec.topK : spec.n);
      this.edges[k][i] = row;
    }
    return row;
  }

  /** The opacity of the link i → j of matrix `k`: its weight, and at least a share of its row's strongest. */
  private alpha(k: number, i: number, j: number, scale: number): number {
    const m = this.values[k];
    const w = m.value(i, j);
    const first = this.rowEdges(k, i)[0];
    const top = first === undefined ? 0 : m.value(i, first);
    return Math.min(1, Math.max(w * scale, top > 0 ? (RELATIVE_ALPHA * w) / top : 0));
  }

  protected draw(target?: { ctx: CanvasRenderingContext2D; width: number; height: number; top: number }): void {
    const spec = this.spec;
    if (!spec) return;
    const p = this.palette();
    let ctx: CanvasRenderingContext2D;
    let width: number;
    let height: number;
    let sy = 0;
    let top = 4;
    if (target) {
      ({ ctx, width, height, top } = target);
    } else {
      ({ ctx, width, height } = this.fitCanvas());
      sy = this.scroller.scrollTop;
    }
    ctx.fillStyle = css(p.background);
    ctx.fillRect(0, 0, width, height);
    const { colW, leftX, rightX } = this.columns(width);
    const r0 = Math.max(0, Math.floor((sy - top) / ROW));
    const r1 = Math.min(spec.n, Math.ceil((sy + height) / ROW) + 1);
    const y = (i: number): number => top + i * ROW + ROW / 2 - sy;
    const focus = target ? undefined : this.focus;
    // Lines: the top-k links of the visible query rows, or only the focused token's.
    ctx.lineWidth = 2;
    const scale = spec.matrices.length > 1 ? 0.85 : 1;
    spec.matrices.forEach((_, k) => {
      const color = headColor(p, spec.heads[k]);
      const line = (i: number, j: number): void => {
        ctx.strokeStyle = css(color, this.alpha(k, i, j, scale));
        ctx.beginPath();
        ctx.moveTo(leftX + 4, y(i));
        ctx.lineTo(rightX - 4, y(j));
        ctx.stroke();
      };
      if (focus?.side === 'from') for (const j of this.rowEdges(k, focus.index)) line(focus.index, j);
      else if (focus?.side === 'to') for (let i = 0; i < spec.n; i++) this.rowEdges(k, i).includes(focus.index) && line(i, focus.index);
      else for (let i = r0; i < r1; i++) for (const j of this.rowEdges(k, i)) line(i, j);
    });
    ctx.font = `12px ${p.font}`;
    ctx.textBaseline = 'middle';
    for (let i = r0; i < r1; i++) {
      const label = clip(spec.labels[i], 22);
      const fromFocused = focus?.side === 'from' && focus.index === i;
      const toFocused = focus?.side === 'to' && focus.index === i;
      if (fromFocused || toFocused) {
        ctx.fillStyle = css(p.focus, 0.35);
        ctx.fillRect(fromFocused ? 0 : rightX, y(i) - ROW / 2 + 1, colW, ROW - 2);
      }
      ctx.fillStyle = css(spec.special[i] ? p.muted : p.foreground);
      ctx.textAlign = 'right';
      ctx.fillText(label, leftX - 6, y(i), colW - 8);
      ctx.textAlign = 'left';
      ctx.fillText(label, rightX + 6, y(i), colW - 8);
    }
  }

  private rowAt(e: MouseEvent): Focus {
    const spec = this.spec;
    if (!spec) return undefined;
    const r = this.wrapper.getBoundingClientRect();
    const x = e.clientX - r.left;
    const index = Math.floor((e.clientY - r.top + this.scroller.scrollTop - 4) / ROW);
    if (index < 0 || index >= spec.n) return undefined;
    const { leftX, rightX } = this.columns(r.width);
    if (x <= leftX) return { side: 'from', index };
    if (x >= rightX) return { side: 'to', index };
    return this.focus;
  }

  protected pointer(e: MouseEvent): void {
    const f = this.rowAt(e);
    if (f?.side !== this.focus?.side || f?.index !== this.focus?.index) this.setFocus(f);
  }

  protected setFocus(f: Focus): void {
    const spec = this.spec;
    this.focus = f;
    if (!spec || !f) {
      this.status.textContent = this.noFocus;
    } else {
      // The strongest link of the focused token in the first head drawn.
      const m = this.values[0];
      const at = (k: number): number => (f.side === 'from' ? m.value(f.index, k) : m.value(k, f.index));
      let best = 0;
      for (let k = 1; k < spec.n; k++) if (at(k) > at(best)) best = k;
      const weight = at(best);
      this.status.textContent = f.side === 'from' ? this.describe(spec.labels[f.index], spec.labels[best], weight) : this.describe(spec.labels[best], spec.labels[f.index], weight);
    }
    this.draw();
  }

  protected key(e: KeyboardEvent): void {
    const spec = this.spec;
    if (!spec) return;
    const f = this.focus ?? { side: 'from' as const, index: -1 };
    let next: Focus = f;
    if (e.key === 'ArrowDown') next = { side: f.side, index: Math.min(spec.n - 1, f.index + 1) };
    else if (e.key === 'ArrowUp') next = { side: f.side, index: Math.max(0, f.index - 1) };
    else if (e.key === 'ArrowLeft') next = { side: 'from', index: Math.max(0, f.index) };
    else if (e.key === 'ArrowRight') next = { side: 'to', index: Math.max(0, f.index) };
    else if (e.key === 'Escape') next = undefined;
    else return;
    e.preventDefault();
    if (next) {
      const yTop = next.index * ROW;
      if (yTop < this.scroller.scrollTop) this.scroller.scrollTop = yTop;
      else if (yTop + ROW > this.scroller.scrollTop + this.wrapper.clientHeight - 8) this.scroller.scrollTop = yTop + ROW - this.wrapper.clientHeight + 8;
    }
    this.setFocus(next);
  }

  /** Every row (not only the window), as a PNG data URL; tall texts get a tall image (capped). */
  toPng(caption: string): string {
    const spec = this.spec;
    const canvas = document.createElement('canvas');
    if (!spec) return canvas.toDataURL('image/png');
    canvas.width = Math.max(360, this.wrapper.clientWidth);
    canvas.height = Math.min(16000, 28 + spec.n * ROW + 8);
    const ctx = canvas.getContext('2d')!;
    this.draw({ ctx, width: canvas.width, height: canvas.height, top: 28 });
    return this.captionedPng(canvas, ctx, caption);
  }

  toSvg(caption: string): string {
    const spec = this.spec;
    if (!spec) return '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const p = this.palette();
    const width = Math.max(360, this.wrapper.clientWidth);
    const top = 28;
    const height = top + spec.n * ROW + 8;
    const { leftX, rightX } = this.columns(width);
    const y = (i: number): number => top + i * ROW + ROW / 2;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
      `<rect width="${width}" height="${height}" fill="${css(p.background)}"/>`,
      `<text x="4" y="16" fill="${css(p.foreground)}">${escapeXml(caption)}</text>`,
    ];
    const scale = spec.matrices.length > 1 ? 0.85 : 1;
    spec.matrices.forEach((_, k) => {
      const color = css(headColor(p, spec.heads[k]));
      for (let i = 0; i < spec.n; i++) {
        for (const j of this.rowEdges(k, i)) {
          parts.push(`<line x1="${leftX + 4}" y1="${y(i)}" x2="${rightX - 4}" y2="${y(j)}" stroke="${color}" stroke-width="2" stroke-opacity="${this.alpha(k, i, j, scale).toFixed(3)}"/>`);
        }
      }
    });
    spec.labels.forEach((l, i) => {
      const fill = css(spec.special[i] ? p.muted : p.foreground);
      parts.push(`<text x="${leftX - 6}" y="${y(i)}" text-anchor="end" dominant-baseline="middle" fill="${fill}">${escapeXml(clip(l, 22))}</text>`);
      parts.push(`<text x="${rightX + 6}" y="${y(i)}" dominant-baseline="middle" fill="${fill}">${escapeXml(clip(l, 22))}</text>`);
    });
    parts.push('</svg>');
    return parts.join('\n');
  }
}
