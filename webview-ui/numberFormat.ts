// Numbers as the panels write them, in the UI's locale (French: decimal comma): a fixed number of
// decimals for the values of a computation, scientific notation for tiny differences, −∞ for the
// mask. Pure (Intl only, no DOM), so the unit tests run it as it is.

export interface NumberFormatter {
  /** `x` with `digits` decimals (3 by default), a true minus sign, no grouping: `-0.25` → `−0.250` (fr `−0,250`). */
  fixed(x: number, digits?: number): string;
  /** A small difference: `3.1e-8` (fr `3,1e-8`); `0` when it is exactly zero. */
  scientific(x: number): string;
}

const MINUS = '\u2212';

export function numberFormatter(locale: string | undefined): NumberFormatter {
  const formats = new Map<number, Intl.NumberFormat>();
  const formatOf = (digits: number): Intl.NumberFormat => {
    let f = formats.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale || undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false });
      formats.set(digits, f);
    }
    return f;
  };
  const fixed = (x: number, digits = 3): string => {
    if (Number.isNaN(x)) return 'NaN';
    if (x === Infinity) return '∞';
    if (x === -Infinity) return `${MINUS}∞`;
    // A value that rounds to zero is written without a sign (no "−0.000").
    const shown = Math.abs(x) < 0.5 * 10 ** -digits ? 0 : x;
    const text = formatOf(digits).format(Math.abs(shown));
    return shown < 0 ? MINUS + text : text;
  };
  const scientific = (x: number): string => {
    if (x === 0) return fixed(0, 0);
    if (!Number.isFinite(x)) return fixed(x);
    let exponent = Math.floor(Math.log10(Math.abs(x)));
    let mantissa = Math.round((x / 10 ** exponent) * 10) / 10;
    if (Math.abs(mantissa) >= 10) {
      mantissa /= 10;
      exponent += 1;
    }
    return `${fixed(mantissa, 1)}e${exponent}`;
  };
  return { fixed, scientific };
}
