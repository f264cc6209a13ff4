// The skeleton of the attention canvases (the heatmap, the head view): a canvas the size of the
// viewport under a transparent scroller whose spacer has the size of the whole drawing — native
// scrolling, and only what is in view is drawn — with a status line saying what is focused.
import { css, type Palette } from './attentionColors';
import { h } from './dom';

/** A windowed canvas view whose focus (a cell, a token) is of type `F`. */
export abstract class CanvasWindowView<F> {
  protected readonly canvas: HTMLCanvasElement;
  protected readonly spacer: HTMLDivElement;
  protected readonly scroller: HTMLDivElement;
  protected readonly wrapper: HTMLDivElement;
  protected readonly status: HTMLElement;

  /** `wrapperClass`: the wrapper's classes; `initialStatus`: the status line before any focus. */
  protected constructor(
    protected readonly palette: () => Palette,
    wrapperClass: string,
    initialStatus?: string,
  ) {
    this.canvas = h('canvas', { class: 'matrix-canvas', 'aria-hidden': 'true' });
    this.spacer = h('div', { class: 'matrix-spacer' });
    this.scroller = h('div', { class: 'matrix-scroller', tabindex: 0, role: 'img' }, this.spacer);
    this.wrapper = h('div', { class: wrapperClass }, this.canvas, this.scroller);
    this.status = h('p', { class: 'matrix-status mono', 'aria-live': 'polite' }, initialStatus);
    this.scroller.addEventListener('scroll', () => this.draw());
    this.scroller.addEventListener('mousemove', (e) => this.pointer(e));
    this.scroller.addEventListener('mouseleave', () => this.setFocus(undefined));
    this.scroller.addEventListener('keydown', (e) => this.key(e));
    new ResizeObserver(() => this.layout()).observe(this.wrapper);
  }

  /** Draws what is in view. */
  protected abstract draw(): void;
  /** Sizes the spacer (and the wrapper) to the whole drawing, then draws. */
  protected abstract layout(): void;
  /** Focuses what lies under the pointer. */
  protected abstract pointer(e: MouseEvent): void;
  /** Moves the focus with the keyboard. */
  protected abstract key(e: KeyboardEvent): void;
  /** Focuses `focus` (`undefined`: none), says so in the status line and draws. */
  protected abstract setFocus(focus: F | undefined): void;

  /** The canvas sized to the viewport (in device pixels), and its context drawing in CSS pixels. */
  protected fitCanvas(): { ctx: CanvasRenderingContext2D; width: number; height: number } {
    const dpr = window.devicePixelRatio || 1;
    const width = this.wrapper.clientWidth;
    const height = this.wrapper.clientHeight;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, width, height };
  }

  /** An export canvas with `caption` written at its top left, as a PNG data URL. */
  protected captionedPng(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D, caption: string): string {
    ctx.fillStyle = css(this.palette().foreground);
    ctx.font = `12px ${this.palette().font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(caption, 4, 4);
    return canvas.toDataURL('image/png');
  }
}

/** `s` cut to `max` characters, with an ellipsis when it was longer. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
