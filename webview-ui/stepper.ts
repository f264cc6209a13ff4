// A replay control: first / previous / play-pause / next / last buttons, a slider, a live label,
// and the keys ← → Home End Space (wired by `bindStepperKeys`).
import { h } from './dom';

export interface StepperStrings {
  first: string;
  previous: string;
  play: string;
  pause: string;
  next: string;
  last: string;
  slider: string;
}

export interface StepperOptions {
  strings: StepperStrings;
  max: number;
  value: number;
  /** Text of the live label for a position, e.g. "Step 2 of 4". */
  describe: (value: number, max: number) => string;
  onChange: (value: number) => void;
  /** Milliseconds between steps when playing. */
  intervalMs?: number;
}

export class Stepper {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly label: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly buttons: HTMLButtonElement[];
  private value: number;
  private max: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: StepperOptions) {
    this.value = o.value;
    this.max = o.max;
    const s = o.strings;
    const button = (icon: IconName, label: string, action: () => void): HTMLButtonElement => {
      const b = h('button', { type: 'button', class: 'step-button', title: label, 'aria-label': label }, svgIcon(icon));
      b.addEventListener('click', action);
      return b;
    };
    const first = button('first', s.first, () => this.go(0));
    const previous = button('previous', s.previous, () => this.go(this.value - 1));
    this.playButton = button('play', s.play, () => this.toggle());
    const next = button('next', s.next, () => this.go(this.value + 1));
    const last = button('last', s.last, () => this.go(this.max));
    this.buttons = [first, previous, this.playButton, next, last];
    this.slider = h('input', { type: 'range', class: 'step-slider', min: 0, step: 1, 'aria-label': s.slider });
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.label = h('span', { class: 'step-label', 'aria-live': 'polite' });
    this.element = h('div', { class: 'stepper', role: 'group', 'aria-label': s.slider }, ...this.buttons, this.slider, this.label);
    this.sync();
  }

  get position(): number {
    return this.value;
  }

  /** New range (a new word or a new result): stops playing. */
  reset(value: number, max: number): void {
    this.stop();
    this.max = Math.max(0, max);
    this.value = clamp(value, this.max);
    this.sync();
  }

  go(value: number): void {
    const next = clamp(value, this.max);
    if (next !== this.value) {
      this.value = next;
      this.sync();
      this.o.onChange(next);
    }
    if (this.value >= this.max) {
      this.stop();
    }
  }

  toggle(): void {
    if (this.timer !== undefined) {
      this.stop();
      return;
    }
    if (this.value >= this.max) {
      this.go(0);
    }
    this.timer = setInterval(() => this.go(this.value + 1), this.o.intervalMs ?? 900);
    this.sync();
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.sync();
    }
  }

  private sync(): void {
    const playing = this.timer !== undefined;
    this.slider.max = String(this.max);
    this.slider.value = String(this.value);
    this.slider.disabled = this.max === 0;
    this.slider.setAttribute('aria-valuetext', this.o.describe(this.value, this.max));
    this.label.textContent = this.o.describe(this.value, this.max);
    this.playButton.replaceChildren(svgIcon(playing ? 'pause' : 'play'));
    this.playButton.title = playing ? this.o.strings.pause : this.o.strings.play;
    this.playButton.setAttribute('aria-label', this.playButton.title);
    this.playButton.setAttribute('aria-pressed', String(playing));
    const [first, previous, , next, last] = this.buttons;
    first!.disabled = previous!.disabled = this.value <= 0;
    next!.disabled = last!.disabled = this.value >= this.max;
    this.playButton.disabled = this.max === 0;
  }
}

/**
 * Page-wide keys for a stepper, ignored while typing in a field:
 * ← → one step, Home/End, Space play/pause; ↑ ↓ go to `onVertical` when given.
 */
export function bindStepperKeys(getStepper: () => Stepper | undefined, onVertical?: (delta: number) => void): void {
  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    if (target?.closest('input:not([type=range]), select, textarea') || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const stepper = getStepper();
    if (!stepper) {
      return;
    }
    if (target?.getAttribute('type') === 'range' && event.key !== ' ') {
      return; // the slider moves itself and reports through its input event
    }
    const onButton = target?.tagName === 'BUTTON';
    switch (event.key) {
      case 'ArrowRight':
        stepper.go(stepper.position + 1);
        break;
      case 'ArrowLeft':
        stepper.go(stepper.position - 1);
        break;
      case 'Home':
        stepper.go(0);
        break;
      case 'End':
        stepper.go(Number.MAX_SAFE_INTEGER);
        break;
      case ' ':
        if (onButton) {
          return; // Space activates the focused button
        }
        stepper.toggle();
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        if (!onVertical) {
          return;
        }
        onVertical(event.key === 'ArrowDown' ? 1 : -1);
        break;
      default:
        return;
    }
    event.preventDefault();
  });
}

type IconName = 'first' | 'previous' | 'play' | 'pause' | 'next' | 'last';

/** 16×16 media-control glyphs drawn in the button's text colour (fonts often lack ⏮ ⏭ ⏸). */
const ICON_PATHS: Record<IconName, string> = {
  first: 'M3 3h2v10H3zM13 3v10L6 8z',
  previous: 'M12 3v10L5 8z',
  play: 'M5 3v10l8-5z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
  next: 'M4 3v10l7-5z',
  last: 'M11 3h2v10h-2zM3 3v10l7-5z',
};

function svgIcon(name: IconName): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICON_PATHS[name]);
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

function clamp(v: number, max: number): number {
  return Math.max(0, Math.min(max, Math.round(v)));
}
