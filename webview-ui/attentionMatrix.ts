// A matrix drawn on a canvas: attention heatmaps, thumbnails' large view, position encodings.
// Windowed: the canvas is the size of the viewport and only the visible cells are drawn, from a
// one-pixel-per-cell image scaled up without smoothing — smooth at 512 × 512. A transparent
// scroller on top gives native scrolling; zoom with Ctrl+wheel or + − 0; arrows move a focus cell.
import { css, divergingColor, maxAbs, maxOf, rampColor, type Palette, type Rgb } from './attentionColors';
import { CanvasWindowView, clip, escapeXml } from './canvasWindow';
import { h } from './dom';

export interface MatrixSpec {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  data: Float32Array;
  rowLabels?: string[];
  colLabels?: string[];
  kind: 'sequential' | 'diverging';
  /** Row labels on the left name "from", column labels on top "to". */
  ariaLabel: string;
  /** The text shown for the cell under the pointer or the keyboard focus. */
  describe: (i: number, j: number, value: number) => string;
  /** Called when a cell is focused (pointer or keyboard), or `undefined` when none. */
  onFocus?: (cell: { i: number; j: number } | undefined) => void;
}

export interface PixelReport {
  upperSum: number;
  lowerSum: number;
  upperPainted: number;
  lowerPainted: number;
}

const ZOOMS = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24];
const MAX_LABEL_WIDTH = 140;
const MAX_EXPORT_PX = 4000;

export class MatrixView extends CanvasWindowView<{ i: number; j: number }> {
  readonly element: HTMLElement;
  private readonly legend: HTMLCanvasElement;
  private readonly legendMax: HTMLElement;
  private spec: MatrixSpec | undefined;
  private image: HTMLCanvasElement | undefined;
  private max = 0;
  private zoomIndex = 0;
  private focus: { i: number; j: number } | undefined;
  private leftW = 0;
  private topH = 0;
  private cell = 1;

  constructor(
    palette: () => Palette,
    legendLabel: string,
    private readonly zoomLabel: (zoom: number) => string,
    maxHeight = 0.72,
  ) {
    super(palette, 'matrix-wrapper');
    this.wrapper.style.height = `${Math.round(maxHeight * 100)}vh`;
    this.legend = h('canvas', { class: 'legend-bar', width: 160, height: 10, 'aria-hidden': 'true' });
    this.legendMax = h('span', { class: 'legend-max' });
    this.element = h(
      'div',
      { class: 'matrix' },
      h('div', { class: 'legend', role: 'note' }, h('span', { class: 'legend-label' }, legendLabel), h('span', { class: 'legend-min' }, '0'), this.legend, this.legendMax),
      this.wrapper,
      this.status,
    );
    this.scroller.addEventListener('wheel', (e) => {
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        this.zoomBy(e.deltaY < 0 ? 1 : -1);
      }
    });
  }

  set(spec: MatrixSpec): void {
    this.spec = spec;
    this.max = spec.kind === 'diverging' ? maxAbs(spec.data) : maxOf(spec.data);
    this.image = this.buildImage(spec);
    this.scroller.setAttribute('aria-label', spec.ariaLabel);
    if (this.focus && (this.focus.i >= spec.rows || this.focus.j >= spec.cols)) this.focus = undefined;
    this.layout();
  }

  get zoom(): number {
    return ZOOMS[this.zoomIndex];
  }

  zoomBy(step: number): void {
    this.zoomIndex = Math.max(0, Math.min(ZOOMS.length - 1, this.zoomIndex + step));
    this.layout();
    this.status.textContent = this.zoomLabel(this.zoom);
  }

  fit(): void {
    this.zoomIndex = 0;
    this.layout();
  }

  /** Re-reads the theme's colours (the host's theme changed). */
  repaint(): void {
    if (this.spec) this.set(this.spec);
  }

  private buildImage(spec: MatrixSpec): HTMLCanvasElement {
    const p = this.palette();
    const img = document.createElement('canvas');
    img.width = Math.max(1, spec.cols);
    img.height = Math.max(1, spec.rows);
    const ctx = img.getContext('2d')!;
    const pixels = ctx.createImageData(img.width, img.height);
    for (let k = 0; k < spec.rows * spec.cols; k++) {
      const v = spec.data[k];
      const c: Rgb = spec.kind === 'diverging' ? divergingColor(p, v, this.max) : rampColor(p, v, this.max);
      pixels.data[k * 4] = Math.round(c[0]);
      pixels.data[k * 4 + 1] = Math.round(c[1]);
      pixels.data[k * 4 + 2] = Math.round(c[2]);
      pixels.data[k * 4 + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
    this.drawLegend(p);
    return img;
  }

  private drawLegend(p: Palette): void {
    const ctx = this.legend.getContext('2d')!;
    const w = this.legend.width;
    for (let x = 0; x < w; x++) {
      const t = x / (w - 1);
      // The ramp's own scale: value t·max is drawn at x (square root for attention weights).
      const c = this.spec?.kind === 'diverging' ? divergingColor(p, 2 * t - 1, 1) : rampColor(p, t * t, 1);
      ctx.fillStyle = css(c);
      ctx.fillRect(x, 0, 1, this.legend.height);
    }
    const fmt = (v: number): string => v.toLocaleString(document.documentElement.lang || undefined, { maximumFractionDigits: 3 });
    this.legendMax.textContent = fmt(this.max);
    (this.element.querySelector('.legend-min') as HTMLElement).textContent = this.spec?.kind === 'diverging' ? fmt(-this.max) : '0';
  }

  private labelWidth(labels: string[] | undefined, font: string): number {
    if (!labels || labels.length === 0) return 0;
    const ctx = this.canvas.getContext('2d')!;
    ctx.font = font;
    let w = 0;
    for (const l of labels.slice(0, 2000)) w = Math.max(w, ctx.measureText(l).width);
    return Math.min(MAX_LABEL_WIDTH, Math.ceil(w) + 8);
  }

  private font(cell: number): string {
    return `${Math.max(9, Math.min(12, Math.floor(cell - 2)))}px ${this.palette().font}`;
  }

  protected layout(): void {
    const spec = this.spec;
    if (!spec) return;
    const width = this.wrapper.clientWidth || 300;
    const font = this.font(12);
    this.leftW = this.labelWidth(spec.rowLabels, font);
    this.topH = this.labelWidth(spec.colLabels, font);
    const fitCell = Math.max(1, Math.min(28, (width - this.leftW - 14) / Math.max(1, spec.cols)));
    this.cell = fitCell * this.zoom;
    this.spacer.style.width = `${this.leftW + spec.cols * this.cell}px`;
    this.spacer.style.height = `${this.topH + spec.rows * this.cell}px`;
    const wanted = this.topH + spec.rows * this.cell + 16;
    this.wrapper.style.height = `${Math.min(wanted, Math.max(200, window.innerHeight * 0.72))}px`;
    this.draw();
  }

  /** Draws the visible window (or, with `target`, the whole matrix for an export). */
  protected draw(target?: { ctx: CanvasRenderingContext2D; width: number; height: number; cell: number; left: number; top: number }): void {
    const spec = this.spec;
    const img = this.image;
    if (!spec || !img) return;
    const p = this.palette();
    let ctx: CanvasRenderingContext2D;
    let width: number;
    let height: number;
    let sx = 0;
    let sy = 0;
    let cell = this.cell;
    let left = this.leftW;
    let top = this.topH;
    if (target) {
      ({ ctx, width, height, cell, left, top } = target);
    } else {
      ({ ctx, width, height } = this.fitCanvas());
      sx = this.scroller.scrollLeft;
      sy = this.scroller.scrollTop;
      // The geometry, for tests that check the pixels from outside (CSS pixels).
      Object.assign(this.wrapper.dataset, { rows: spec.rows, cols: spec.cols, left: left, top: top, cell: cell, scrollLeft: sx, scrollTop: sy });
    }
    ctx.fillStyle = css(p.background);
    ctx.fillRect(0, 0, width, height);
    const j0 = Math.max(0, Math.floor(sx / cell));
    const i0 = Math.max(0, Math.floor(sy / cell));
    const j1 = Math.min(spec.cols, Math.ceil((sx + width - left) / cell));
    const i1 = Math.min(spec.rows, Math.ceil((sy + height - top) / cell));
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width - left, height - top);
    ctx.clip();
    ctx.imageSmoothingEnabled = false;
    if (j1 > j0 && i1 > i0) ctx.drawImage(img, j0, i0, j1 - j0, i1 - i0, left + j0 * cell - sx, top + i0 * cell - sy, (j1 - j0) * cell, (i1 - i0) * cell);
    if (this.focus && !target) {
      const { i, j } = this.focus;
      ctx.strokeStyle = css(p.focus);
      ctx.lineWidth = 1;
      ctx.strokeRect(left - sx, top + i * cell - sy + 0.5, spec.cols * cell, cell - 1);
      ctx.strokeRect(left + j * cell - sx + 0.5, top - sy, cell - 1, spec.rows * cell);
      ctx.lineWidth = 2;
      ctx.strokeRect(left + j * cell - sx, top + i * cell - sy, cell, cell);
    }
    ctx.restore();
    const font = this.font(cell);
    const size = parseInt(font, 10);
    const step = Math.max(1, Math.ceil((size + 1) / cell));
    ctx.font = font;
    ctx.textBaseline = 'middle';
    if (spec.rowLabels) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, top, left, height - top);
      ctx.clip();
      ctx.textAlign = 'right';
      for (let i = i0 - (i0 % step); i < i1; i += step) {
        ctx.fillStyle = css(this.focus?.i === i && !target ? p.foreground : p.muted);
        ctx.fillText(clip(spec.rowLabels[i] ?? '', 18), left - 4, top + i * cell - sy + cell / 2, left - 6);
      }
      ctx.restore();
    }
    if (spec.colLabels) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, 0, width - left, top);
      ctx.clip();
      ctx.textAlign = 'left';
      for (let j = j0 - (j0 % step); j < j1; j += step) {
        ctx.save();
        ctx.translate(left + j * cell - sx + cell / 2, top - 4);
        ctx.rotate(-Math.PI / 2);
        ctx.fillStyle = css(this.focus?.j === j && !target ? p.foreground : p.muted);
        ctx.fillText(clip(spec.colLabels[j] ?? '', 18), 0, 0, top - 6);
        ctx.restore();
      }
      ctx.restore();
    }
  }

  private cellAt(clientX: number, clientY: number): { i: number; j: number } | undefined {
    const spec = this.spec;
    if (!spec) return undefined;
    const r = this.wrapper.getBoundingClientRect();
    const x = clientX - r.left;
    const y = clientY - r.top;
    if (x < this.leftW || y < this.topH) return undefined;
    const j = Math.floor((x - this.leftW + this.scroller.scrollLeft) / this.cell);
    const i = Math.floor((y - this.topH + this.scroller.scrollTop) / this.cell);
    return i >= 0 && j >= 0 && i < spec.rows && j < spec.cols ? { i, j } : undefined;
  }

  protected pointer(e: MouseEvent): void {
    this.setFocus(this.cellAt(e.clientX, e.clientY));
  }

  protected setFocus(cell: { i: number; j: number } | undefined): void {
    const spec = this.spec;
    this.focus = cell;
    if (spec && cell) this.status.textContent = spec.describe(cell.i, cell.j, spec.data[cell.i * spec.cols + cell.j]);
    spec?.onFocus?.(cell);
    this.draw();
  }

  protected key(e: KeyboardEvent): void {
    const spec = this.spec;
    if (!spec) return;
    const f = this.focus ?? { i: 0, j: 0 };
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (e.key in moves) {
      e.preventDefault();
      const [di, dj] = moves[e.key];
      const next = { i: Math.max(0, Math.min(spec.rows - 1, f.i + (this.focus ? di : 0))), j: Math.max(0, Math.min(spec.cols - 1, f.j + (this.focus ? dj : 0))) };
      this.scrollTo(next);
      this.setFocus(next);
    } else if (e.key === '+' || e.key === '=') {
      this.zoomBy(1);
    } else if (e.key === '-') {
      this.zoomBy(-1);
    } else if (e.key === '0') {
      this.fit();
    } else if (e.key === 'Escape') {
      this.setFocus(undefined);
    }
  }

  private scrollTo(c: { i: number; j: number }): void {
    const viewW = this.wrapper.clientWidth - this.leftW;
    const viewH = this.wrapper.clientHeight - this.topH;
    const x = c.j * this.cell;
    const y = c.i * this.cell;
    if (x < this.scroller.scrollLeft) this.scroller.scrollLeft = x;
    else if (x + this.cell > this.scroller.scrollLeft + viewW - 14) this.scroller.scrollLeft = x + this.cell - viewW + 14;
    if (y < this.scroller.scrollTop) this.scroller.scrollTop = y;
    else if (y + this.cell > this.scroller.scrollTop + viewH - 14) this.scroller.scrollTop = y + this.cell - viewH + 14;
  }

  /** The sums of the weights above / below the diagonal, and the painted pixels of the visible cells there. */
  report(): PixelReport {
    const spec = this.spec;
    const out: PixelReport = { upperSum: 0, lowerSum: 0, upperPainted: 0, lowerPainted: 0 };
    if (!spec) return out;
    for (let i = 0; i < spec.rows; i++) {
      for (let j = 0; j < spec.cols; j++) {
        if (j > i) out.upperSum += spec.data[i * spec.cols + j];
        else out.lowerSum += spec.data[i * spec.cols + j];
      }
    }
    const ctx = this.canvas.getContext('2d')!;
    const dpr = this.canvas.width / Math.max(1, this.wrapper.clientWidth);
    const pixels = ctx.getImageData(0, 0, this.canvas.width, this.canvas.height).data;
    const bg = this.palette().background.map(Math.round);
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    for (let i = 0; i < spec.rows; i++) {
      for (let j = 0; j < spec.cols; j++) {
        const x = Math.floor((this.leftW + j * this.cell - sx + this.cell / 2) * dpr);
        const y = Math.floor((this.topH + i * this.cell - sy + this.cell / 2) * dpr);
        if (x < this.leftW * dpr || y < this.topH * dpr || x >= this.canvas.width || y >= this.canvas.height) continue;
        const k = (y * this.canvas.width + x) * 4;
        const painted = Math.abs(pixels[k] - bg[0]) + Math.abs(pixels[k + 1] - bg[1]) + Math.abs(pixels[k + 2] - bg[2]) > 3;
        if (painted) {
          if (j > i) out.upperPainted++;
          else out.lowerPainted++;
        }
      }
    }
    return out;
  }

  /** The whole matrix with its labels and a caption, as a PNG data URL. */
  toPng(caption: string): string {
    const spec = this.spec;
    const canvas = document.createElement('canvas');
    if (!spec) return canvas.toDataURL('image/png');
    const cell = Math.max(1, Math.min(24, Math.floor(MAX_EXPORT_PX / Math.max(spec.rows, spec.cols))));
    const font = this.font(cell);
    const left = this.labelWidth(spec.rowLabels, font);
    const top = this.labelWidth(spec.colLabels, font) + 24;
    canvas.width = left + spec.cols * cell + 8;
    canvas.height = top + spec.rows * cell + 8;
    const ctx = canvas.getContext('2d')!;
    this.draw({ ctx, width: canvas.width, height: canvas.height, cell, left, top });
    return this.captionedPng(canvas, ctx, caption);
  }

  /** The whole matrix as SVG: one rect per non-empty cell, the labels as text. */
  toSvg(caption: string): string {
    const spec = this.spec;
    if (!spec) return '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const p = this.palette();
    const cell = Math.max(2, Math.min(24, Math.floor(2000 / Math.max(spec.rows, spec.cols))));
    const left = spec.rowLabels ? 120 : 0;
    const top = (spec.colLabels ? 120 : 0) + 24;
    const w = left + spec.cols * cell + 8;
    const ht = top + spec.rows * cell + 8;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${ht}" viewBox="0 0 ${w} ${ht}" font-family="sans-serif" font-size="${Math.max(8, Math.min(12, cell - 1))}">`,
      `<rect width="${w}" height="${ht}" fill="${css(p.background)}"/>`,
      `<text x="4" y="16" font-size="12" fill="${css(p.foreground)}">${escapeXml(caption)}</text>`,
    ];
    for (let i = 0; i < spec.rows; i++) {
      for (let j = 0; j < spec.cols; j++) {
        const v = spec.data[i * spec.cols + j];
        if (v === 0) continue;
        const c = spec.kind === 'diverging' ? divergingColor(p, v, this.max) : rampColor(p, v, this.max);
        parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${css(c)}"><title>${v.toFixed(4)}</title></rect>`);
      }
    }
    if (cell >= 8) {
      spec.rowLabels?.forEach((l, i) => parts.push(`<text x="${left - 4}" y="${top + i * cell + cell / 2}" text-anchor="end" dominant-baseline="middle" fill="${css(p.muted)}">${escapeXml(clip(l, 18))}</text>`));
      spec.colLabels?.forEach((l, j) => {
        const x = left + j * cell + cell / 2;
        parts.push(`<text transform="translate(${x} ${top - 4}) rotate(-90)" dominant-baseline="middle" fill="${css(p.muted)}">${escapeXml(clip(l, 18))}</text>`);
      });
    }
    parts.push('</svg>');
    return parts.join('\n');
  }
}
