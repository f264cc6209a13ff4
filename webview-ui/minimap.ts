// The heatmap's minimap: the whole matrix, small, with the rectangle in view; a click or a drag
// moves the view there. Drawn from the heatmap's one-pixel-per-cell image (no second copy of the data).
import { css, type Palette } from './attentionColors';
import { h } from './dom';

const SIDE = 120;

export class Minimap {
  readonly element: HTMLCanvasElement;
  private image: HTMLCanvasElement | undefined;
  private rect = { x: 0, y: 0, w: 1, h: 1 };
  private dragging = false;

  /** `move(fx, fy)`: centre the view on this point, fractions (0…1) of the matrix. */
  constructor(
    private readonly palette: () => Palette,
    label: string,
    private readonly move: (fx: number, fy: number) => void,
  ) {
    this.element = h('canvas', { class: 'minimap', width: SIDE, height: SIDE, title: label, 'aria-hidden': 'true' });
    const at = (e: PointerEvent): void => {
      const r = this.element.getBoundingClientRect();
      if (r.width <= 0 || r.height <= 0) return;
      this.move(Math.max(0, Math.min(1, (e.clientX - r.left) / r.width)), Math.max(0, Math.min(1, (e.clientY - r.top) / r.height)));
    };
    this.element.addEventListener('pointerdown', (e) => {
      this.dragging = true;
      this.element.setPointerCapture(e.pointerId);
      at(e);
    });
    this.element.addEventListener('pointermove', (e) => this.dragging && at(e));
    const stop = (): void => {
      this.dragging = false;
    };
    this.element.addEventListener('pointerup', stop);
    this.element.addEventListener('pointercancel', stop);
  }

  /** The matrix image (one pixel per cell); the minimap keeps the matrix's aspect. */
  setImage(image: HTMLCanvasElement): void {
    this.image = image;
    const aspect = image.width / Math.max(1, image.height);
    this.element.width = Math.round(aspect >= 1 ? SIDE : SIDE * aspect);
    this.element.height = Math.round(aspect >= 1 ? SIDE / aspect : SIDE);
    this.draw();
  }

  /** The part in view, fractions of the matrix; hidden when all of it is in view. */
  show(rect: { x: number; y: number; w: number; h: number }): void {
    this.rect = rect;
    this.element.hidden = rect.w >= 1 && rect.h >= 1;
    this.draw();
  }

  private draw(): void {
    const img = this.image;
    if (!img || this.element.hidden) return;
    const ctx = this.element.getContext('2d')!;
    const { width, height } = this.element;
    const p = this.palette();
    ctx.fillStyle = css(p.background);
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(img, 0, 0, width, height);
    const r = this.rect;
    ctx.fillStyle = css(p.focus, 0.18);
    ctx.strokeStyle = css(p.focus);
    ctx.lineWidth = 2;
    const x = r.x * width;
    const y = r.y * height;
    const w = Math.max(3, Math.min(1, r.w) * width);
    const hh = Math.max(3, Math.min(1, r.h) * height);
    ctx.fillRect(x, y, w, hh);
    ctx.strokeRect(x + 1, y + 1, w - 2, hh - 2);
  }
}
