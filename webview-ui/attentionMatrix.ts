// A matrix drawn on a canvas: attention heatmaps, thumbnails' large view, position encodings.
// Windowed: the canvas is the size of the viewport and only the visible cells are drawn, from a
// one-pixel-per-cell image scaled up without smoothing — smooth at 1,024 × 1,024. A transparent
// scroller on top gives native scrolling (wheel, scroll bars) and drag to pan; zoom about the pointer
// with Ctrl+wheel or a pinch, or + − 0; arrows move a focus cell; a minimap shows where the view is.
// The geometry is in heatmapViewport.ts (pure, unit-tested); cells are read through MatrixValues, so
// float32 and quantized matrices draw alike.
import { css, divergingColor, rampColor, type Palette, type Rgb } from './attentionColors';
import { CanvasWindowView, clip, escapeXml } from './canvasWindow';
import { h } from './dom';
import { centreOn, clampZoom, fitCell, labelsFit, visibleCells, visibleFraction, zoomAbout, type Viewport } from './heatmapViewport';
import { matrixValues, maxValue, type MatrixData, type MatrixValues } from './matrixValues';
import { Minimap } from './minimap';

export interface MatrixSpec {
  rows: number;
  cols: number;
  /** rows × cols, row-major: float32, or one byte per cell and a scale. */
  data: MatrixData;
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

/** One press of + or −. */
const ZOOM_STEP = 1.5;
const MAX_LABEL_WIDTH = 140;
/** The label gutters when the labels have no room (the top-left corner stays the background). */
const GUTTER = 6;
const SCROLLBAR = 14;
const MAX_EXPORT_PX = 4000;
/** Above this many cells, the SVG export embeds the matrix as an image (one pixel per cell) instead of a rect per cell. */
const SVG_MAX_RECTS = 128 * 128;

export class MatrixView extends CanvasWindowView<{ i: number; j: number }> {
  readonly element: HTMLElement;
  private readonly legend: HTMLCanvasElement;
  private readonly legendMax: HTMLElement;
  private readonly minimap: Minimap;
  private spec: MatrixSpec | undefined;
  private values: MatrixValues | undefined;
  private image: HTMLCanvasElement | undefined;
  private max = 0;
  private zoomFactor = 1;
  private focus: { i: number; j: number } | undefined;
  private leftW = 0;
  private topH = 0;
  private cell = 1;
  private labels = false;
  /** The label gutters' widths at the view's label font, measured once per matrix. */
  private gutters = { left: GUTTER, top: GUTTER };
  private drag: { x: number; y: number; left: number; top: number } | undefined;

  constructor(
    palette: () => Palette,
    legendLabel: string,
    private readonly zoomLabel: (zoom: number) => string,
    maxHeight = 0.72,
    minimapLabel = '',
  ) {
    super(palette, 'matrix-wrapper');
    this.wrapper.style.height = `${Math.round(maxHeight * 100)}vh`;
    this.legend = h('canvas', { class: 'legend-bar', width: 160, height: 10, 'aria-hidden': 'true' });
    this.legendMax = h('span', { class: 'legend-max' });
    this.minimap = new Minimap(palette, minimapLabel, (fx, fy) => this.centre(fx, fy));
    this.minimap.element.hidden = true;
    this.element = h(
      'div',
      { class: 'matrix' },
      h('div', { class: 'legend', role: 'note' }, h('span', { class: 'legend-label' }, legendLabel), h('span', { class: 'legend-min' }, '0'), this.legend, this.legendMax),
      h('div', { class: 'matrix-body' }, this.wrapper, this.minimap.element),
      this.status,
    );
    this.scroller.addEventListener(
      'wheel',
      (e) => {
        // Ctrl+wheel, and a trackpad pinch (which the browser reports as Ctrl+wheel): zoom about the pointer.
        if (!(e.ctrlKey || e.metaKey)) return;
        e.preventDefault();
        const r = this.wrapper.getBoundingClientRect();
        const factor = Math.exp(-Math.max(-100, Math.min(100, e.deltaY)) * 0.004);
        this.zoomTo(this.zoomFactor * factor, e.clientX - r.left - this.leftW, e.clientY - r.top - this.topH);
      },
      { passive: false },
    );
    // Drag to pan.
    this.scroller.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.pointerType === 'touch') return;
      // Not on the scroll bars: they scroll the native way.
      const r = this.scroller.getBoundingClientRect();
      if (e.clientX - r.left >= this.scroller.clientWidth || e.clientY - r.top >= this.scroller.clientHeight) return;
      this.drag = { x: e.clientX, y: e.clientY, left: this.scroller.scrollLeft, top: this.scroller.scrollTop };
      this.scroller.setPointerCapture(e.pointerId);
    });
    this.scroller.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      if (Math.abs(e.clientX - this.drag.x) + Math.abs(e.clientY - this.drag.y) > 2) this.wrapper.classList.add('dragging');
      this.scroller.scrollLeft = this.drag.left - (e.clientX - this.drag.x);
      this.scroller.scrollTop = this.drag.top - (e.clientY - this.drag.y);
    });
    const stop = (): void => {
      this.drag = undefined;
      this.wrapper.classList.remove('dragging');
    };
    this.scroller.addEventListener('pointerup', stop);
    this.scroller.addEventListener('pointercancel', stop);
  }

  set(spec: MatrixSpec): void {
    this.spec = spec;
    this.values = matrixValues(spec.rows, spec.cols, spec.data);
    this.max = maxValue(this.values, spec.kind === 'diverging');
    this.image = this.buildImage(spec, this.values);
    this.minimap.setImage(this.image);
    const font = this.font(12);
    this.gutters = { left: Math.max(GUTTER, this.labelWidth(spec.rowLabels, font)), top: Math.max(GUTTER, this.labelWidth(spec.colLabels, font)) };
    this.scroller.setAttribute('aria-label', spec.ariaLabel);
    if (this.focus && (this.focus.i >= spec.rows || this.focus.j >= spec.cols)) this.focus = undefined;
    this.layout();
  }

  get zoom(): number {
    return this.zoomFactor;
  }

  /** One step in (`step` > 0) or out, about the focused cell or the centre of the view. */
  zoomBy(step: number): void {
    const v = this.viewport();
    const at = this.focus
      ? { x: (this.focus.j + 0.5) * this.cell - v.x, y: (this.focus.i + 0.5) * this.cell - v.y }
      : { x: v.width / 2, y: v.height / 2 };
    this.zoomTo(this.zoomFactor * Math.pow(ZOOM_STEP, step), at.x, at.y);
  }

  fit(): void {
    this.zoomFactor = 1;
    this.layout();
    this.status.textContent = this.zoomLabel(1);
  }

  /** The row of the focused cell, if any. */
  get focusedRow(): number | undefined {
    return this.focus?.i;
  }

  /** Focuses row `i` (the token under the editor's cursor) and scrolls it into view; `undefined` clears. */
  showRow(i: number | undefined): void {
    const spec = this.spec;
    if (!spec) return;
    if (i === undefined || i < 0 || i >= spec.rows) {
      this.setFocus(undefined);
      return;
    }
    // The key it attends to most: the read-out says where the token looks.
    let j = 0;
    for (let k = 1; k < spec.cols; k++) if ((this.values?.value(i, k) ?? 0) > (this.values?.value(i, j) ?? 0)) j = k;
    const next = { i, j };
    this.scrollTo(next);
    this.setFocus(next);
  }

  /** Zoom to `zoom` (times the fitted cell), keeping the matrix point under (`px`, `py`) of the matrix area in place. */
  private zoomTo(zoom: number, px: number, py: number): void {
    const spec = this.spec;
    if (!spec) return;
    const before = this.viewport();
    this.zoomFactor = clampZoom(zoom, this.fitted().cell);
    this.measure();
    const after = zoomAbout(before, this.cell, px, py, spec.rows, spec.cols);
    this.sizeSpacer();
    this.scroller.scrollLeft = after.x;
    this.scroller.scrollTop = after.y;
    this.status.textContent = this.zoomLabel(Math.round(this.zoomFactor * 10) / 10);
    this.draw();
  }

  private centre(fx: number, fy: number): void {
    const spec = this.spec;
    if (!spec) return;
    const v = centreOn(this.viewport(), fx, fy, spec.rows, spec.cols);
    this.scroller.scrollLeft = v.x;
    this.scroller.scrollTop = v.y;
  }

  /** The matrix area in view (without the label gutters and the scroll bars), from the scroller. */
  private viewport(): Viewport {
    return {
      cell: this.cell,
      x: this.scroller.scrollLeft,
      y: this.scroller.scrollTop,
      width: Math.max(1, this.scroller.clientWidth - this.leftW),
      height: Math.max(1, this.scroller.clientHeight - this.topH),
    };
  }

  /** Re-reads the theme's colours (the host's theme changed). */
  repaint(): void {
    if (this.spec) this.set(this.spec);
  }

  private buildImage(spec: MatrixSpec, values: MatrixValues): HTMLCanvasElement {
    const p = this.palette();
    const img = document.createElement('canvas');
    img.width = Math.max(1, spec.cols);
    img.height = Math.max(1, spec.rows);
    const ctx = img.getContext('2d')!;
    const pixels = ctx.createImageData(img.width, img.height);
    let k = 0;
    for (let i = 0; i < spec.rows; i++) {
      for (let j = 0; j < spec.cols; j++, k += 4) {
        const v = values.value(i, j);
        const c: Rgb = spec.kind === 'diverging' ? divergingColor(p, v, this.max) : rampColor(p, v, this.max);
        pixels.data[k] = Math.round(c[0]);
        pixels.data[k + 1] = Math.round(c[1]);
        pixels.data[k + 2] = Math.round(c[2]);
        pixels.data[k + 3] = 255;
      }
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
    for (const l of labels.slice(0, 2000)) w = Math.max(w, ctx.measureText(clip(l, 18)).width);
    return Math.min(MAX_LABEL_WIDTH, Math.ceil(w) + 8);
  }

  private font(cell: number): string {
    return `${Math.max(9, Math.min(12, Math.floor(cell - 2)))}px ${this.palette().font}`;
  }

  /** The fitted (zoom 1) cell and gutters, with the labels when the zoomed cell leaves them room. */
  private fitted(): { cell: number; left: number; top: number; labels: boolean } {
    const spec = this.spec!;
    const width = (this.wrapper.clientWidth || 300) - SCROLLBAR;
    const { left, top } = this.gutters;
    const cell = fitCell(width - left, spec.cols);
    if ((spec.rowLabels || spec.colLabels) && labelsFit(cell * this.zoomFactor)) return { cell, left, top, labels: true };
    return { cell: fitCell(width - GUTTER, spec.cols), left: GUTTER, top: GUTTER, labels: false };
  }

  /** Sets the cell size and the gutters for the current zoom. */
  private measure(): void {
    const f = this.fitted();
    this.zoomFactor = clampZoom(this.zoomFactor, f.cell);
    this.cell = f.cell * this.zoomFactor;
    this.leftW = f.left;
    this.topH = f.top;
    this.labels = f.labels;
  }

  private sizeSpacer(): void {
    const spec = this.spec!;
    this.spacer.style.width = `${this.leftW + spec.cols * this.cell}px`;
    this.spacer.style.height = `${this.topH + spec.rows * this.cell}px`;
  }

  protected layout(): void {
    const spec = this.spec;
    if (!spec) return;
    this.measure();
    this.sizeSpacer();
    const wanted = this.topH + spec.rows * this.cell + 16;
    this.wrapper.style.height = `${Math.min(wanted, Math.max(200, window.innerHeight * 0.72))}px`;
    this.draw();
  }

  /** Draws the visible window (or, with `target`, the whole matrix for an export). */
  protected draw(target?: { ctx: CanvasRenderingContext2D; width: number; height: number; cell: number; left: number; top: number; labels: boolean }): void {
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
    let labels = this.labels;
    if (target) {
      ({ ctx, width, height, cell, left, top, labels } = target);
    } else {
      ({ ctx, width, height } = this.fitCanvas());
      sx = this.scroller.scrollLeft;
      sy = this.scroller.scrollTop;
      // The geometry, for tests that check the pixels from outside (CSS pixels).
      Object.assign(this.wrapper.dataset, { rows: spec.rows, cols: spec.cols, left: left, top: top, cell: cell, scrollLeft: sx, scrollTop: sy, labels: String(labels) });
    }
    ctx.fillStyle = css(p.background);
    ctx.fillRect(0, 0, width, height);
    const { i0, i1, j0, j1 } = visibleCells({ cell, x: sx, y: sy, width: width - left, height: height - top }, spec.rows, spec.cols);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width - left, height - top);
    ctx.clip();
    // Cells of a pixel or more: exact, nearest neighbour; smaller (1,024 tokens fitted): averaged.
    ctx.imageSmoothingEnabled = cell < 1;
    if (j1 > j0 && i1 > i0) ctx.drawImage(img, j0, i0, j1 - j0, i1 - i0, left + j0 * cell - sx, top + i0 * cell - sy, (j1 - j0) * cell, (i1 - i0) * cell);
    if (this.focus && !target) {
      const { i, j } = this.focus;
      ctx.strokeStyle = css(p.focus);
      ctx.lineWidth = 1;
      ctx.strokeRect(left - sx, top + i * cell - sy + 0.5, spec.cols * cell, Math.max(1, cell - 1));
      ctx.strokeRect(left + j * cell - sx + 0.5, top - sy, Math.max(1, cell - 1), spec.rows * cell);
      ctx.lineWidth = 2;
      ctx.strokeRect(left + j * cell - sx, top + i * cell - sy, Math.max(2, cell), Math.max(2, cell));
    }
    ctx.restore();
    if (!target) this.minimap.show(visibleFraction(this.viewport(), spec.rows, spec.cols));
    if (!labels) return;
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
    if (this.drag) return;
    const c = this.cellAt(e.clientX, e.clientY);
    if (c?.i !== this.focus?.i || c?.j !== this.focus?.j) this.setFocus(c);
  }

  protected setFocus(cell: { i: number; j: number } | undefined): void {
    const spec = this.spec;
    this.focus = cell;
    // The readout: query token, key token, weight.
    if (spec && cell) this.status.textContent = spec.describe(cell.i, cell.j, this.values?.value(cell.i, cell.j) ?? 0);
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
      // Shift+arrow: ten cells at a time.
      const [di, dj] = moves[e.key].map((d) => d * (e.shiftKey ? 10 : 1));
      const next = { i: Math.max(0, Math.min(spec.rows - 1, f.i + (this.focus ? di : 0))), j: Math.max(0, Math.min(spec.cols - 1, f.j + (this.focus ? dj : 0))) };
      this.scrollTo(next);
      this.setFocus(next);
    } else if (e.key === '+' || e.key === '=') {
      e.preventDefault();
      this.zoomBy(1);
    } else if (e.key === '-' || e.key === '_') {
      e.preventDefault();
      this.zoomBy(-1);
    } else if (e.key === '0') {
      e.preventDefault();
      this.fit();
    } else if (e.key === 'Escape') {
      this.setFocus(undefined);
    }
  }

  private scrollTo(c: { i: number; j: number }): void {
    const v = this.viewport();
    const x = c.j * this.cell;
    const y = c.i * this.cell;
    if (x < v.x) this.scroller.scrollLeft = x;
    else if (x + this.cell > v.x + v.width) this.scroller.scrollLeft = x + this.cell - v.width;
    if (y < v.y) this.scroller.scrollTop = y;
    else if (y + this.cell > v.y + v.height) this.scroller.scrollTop = y + this.cell - v.height;
  }

  /** The sums of the weights above / below the diagonal, and the painted pixels of the visible cells there. */
  report(): PixelReport {
    const spec = this.spec;
    const values = this.values;
    const out: PixelReport = { upperSum: 0, lowerSum: 0, upperPainted: 0, lowerPainted: 0 };
    if (!spec || !values) return out;
    for (let i = 0; i < spec.rows; i++) {
      for (let j = 0; j < spec.cols; j++) {
        if (j > i) out.upperSum += values.value(i, j);
        else out.lowerSum += values.value(i, j);
      }
    }
    const ctx = this.canvas.getContext('2d')!;
    const dpr = this.canvas.width / Math.max(1, this.wrapper.clientWidth);
    const pixels = ctx.getImageData(0, 0, this.canvas.width, this.canvas.height).data;
    const bg = this.palette().background.map(Math.round);
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    // Only the cells in view are on the canvas.
    const { i0, i1, j0, j1 } = visibleCells(this.viewport(), spec.rows, spec.cols);
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
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

  /** The whole matrix with its labels (when its cells have room for them) and a caption, as a PNG data URL. */
  toPng(caption: string): string {
    const spec = this.spec;
    const canvas = document.createElement('canvas');
    if (!spec) return canvas.toDataURL('image/png');
    const cell = Math.max(1, Math.min(24, Math.floor(MAX_EXPORT_PX / Math.max(spec.rows, spec.cols))));
    const labels = labelsFit(cell);
    const font = this.font(cell);
    const left = labels ? Math.max(GUTTER, this.labelWidth(spec.rowLabels, font)) : GUTTER;
    const top = (labels ? Math.max(GUTTER, this.labelWidth(spec.colLabels, font)) : GUTTER) + 24;
    canvas.width = left + spec.cols * cell + 8;
    canvas.height = top + spec.rows * cell + 8;
    const ctx = canvas.getContext('2d')!;
    this.draw({ ctx, width: canvas.width, height: canvas.height, cell, left, top, labels });
    return this.captionedPng(canvas, ctx, caption);
  }

  /**
   * The whole matrix as SVG. Up to 128 × 128 cells: one rect per non-empty cell (with its value as a
   * title) and the labels as text; larger (up to 1,024 × 1,024): the matrix as one embedded image, one
   * pixel per cell scaled up without smoothing — exact, and a file of a few hundred kB, not a million rects.
   */
  toSvg(caption: string): string {
    const spec = this.spec;
    const values = this.values;
    if (!spec || !values || !this.image) return '<svg xmlns="http://www.w3.org/2000/svg"/>';
    const p = this.palette();
    const cell = Math.max(2, Math.min(24, Math.floor(2000 / Math.max(spec.rows, spec.cols))));
    const labels = cell >= 8;
    const left = spec.rowLabels && labels ? 120 : GUTTER;
    const top = (spec.colLabels && labels ? 120 : GUTTER) + 24;
    const w = left + spec.cols * cell + 8;
    const ht = top + spec.rows * cell + 8;
    const parts = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${ht}" viewBox="0 0 ${w} ${ht}" font-family="sans-serif" font-size="${Math.max(8, Math.min(12, cell - 1))}">`,
      `<rect width="${w}" height="${ht}" fill="${css(p.background)}"/>`,
      `<text x="4" y="16" font-size="12" fill="${css(p.foreground)}">${escapeXml(caption)}</text>`,
    ];
    if (spec.rows * spec.cols > SVG_MAX_RECTS) {
      parts.push(
        `<image x="${left}" y="${top}" width="${spec.cols * cell}" height="${spec.rows * cell}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${this.image.toDataURL('image/png')}"/>`,
      );
    } else {
      for (let i = 0; i < spec.rows; i++) {
        for (let j = 0; j < spec.cols; j++) {
          const v = values.value(i, j);
          if (v === 0) continue;
          const c = spec.kind === 'diverging' ? divergingColor(p, v, this.max) : rampColor(p, v, this.max);
          parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${css(c)}"><title>${v.toFixed(4)}</title></rect>`);
        }
      }
    }
    if (labels) {
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
