// The line chart's pure geometry (no DOM, so unit tests run it): the y range of cosines, its
// ticks, the scales from values to pixels and each curve's SVG path.

export interface ChartBox {
  width: number;
  height: number;
  /** Margins kept for the axes' labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * The y range for cosine similarities: always up to 1, down to 0 or below the smallest value (in
 * steps of 0.2, never below −1), so that curves of different texts compare on the same baseline.
 */
export function cosineDomain(values: readonly number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v));
  const min = finite.length ? Math.min(...finite) : 0;
  const lo = Math.max(-1, Math.min(0, Math.floor(min * 5) / 5));
  return [lo, 1];
}

/** The multiples of `step` from `lo` to `hi` (rounded, so 0.6000000001 reads 0.6). */
export function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + 1e-9; i++) out.push(Math.round(i * step * 1e9) / 1e9 + 0);
  return out;
}

/** A linear map from `domain` to `range` (a zero-width domain maps to the middle of the range). */
export function linear([d0, d1]: readonly [number, number], [r0, r1]: readonly [number, number]): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? (r0 + r1) / 2 : r0 + ((v - d0) / span) * (r1 - r0));
}

export interface ChartGeometry {
  /** x of point i (layer i, 0 = embeddings). */
  x: (i: number) => number;
  /** y of a cosine. */
  y: (v: number) => number;
  domain: [number, number];
  yTicks: number[];
  /** One SVG path per series; a non-finite value breaks the line. */
  paths: string[];
}

/** The geometry of `series` (each one value per layer, the same count) drawn in `box`. */
export function chartGeometry(series: readonly (readonly number[])[], box: ChartBox): ChartGeometry {
  const points = Math.max(1, ...series.map((s) => s.length));
  const domain = cosineDomain(series.flat());
  const x = linear([0, Math.max(1, points - 1)], [box.left, box.width - box.right]);
  const y = linear(domain, [box.height - box.bottom, box.top]);
  const step = domain[1] - domain[0] > 1.2 ? 0.5 : 0.2;
  return { x, y, domain, yTicks: ticks(domain[0], domain[1], step), paths: series.map((s) => pathOf(s, x, y)) };
}

/** An SVG path through the finite values of `values` ("M x y L x y …"), pixels to 0.1. */
export function pathOf(values: readonly number[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = 'M';
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      pen = 'M';
      return;
    }
    d += `${d ? ' ' : ''}${pen}${round1(x(i))} ${round1(y(v))}`;
    pen = 'L';
  });
  return d;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** A cosine as shown: three decimals in the page's language (0.832, 0,832 in French). */
export function formatCosine(v: number, lang: string | undefined): string {
  return v.toLocaleString(lang || undefined, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
}
