// The Logit Lens grid's pure helpers (no DOM, so unit tests run them): a cell's shade from its
// top-1 probability, the legend's stops, and short cell text.

/** The strongest shade (percent of the theme's chart colour mixed into the background). */
export const MAX_SHADE = 65;

/**
 * How much of the chart colour a cell's background gets for probability `p`: linear in p, so a
 * cell twice as dark is twice as likely; 0 for a non-number, whole percents in [0, MAX_SHADE].
 */
export function probabilityShade(p: number): number {
  if (!Number.isFinite(p) || p <= 0) return 0;
  return Math.round(Math.min(1, p) * MAX_SHADE);
}

/** The probabilities the legend shows, with their shades. */
export function legendStops(count = 5): Array<{ prob: number; shade: number }> {
  return Array.from({ length: count }, (_, i) => {
    const prob = i / (count - 1);
    return { prob, shade: probabilityShade(prob) };
  });
}

/** At most `max` characters of `text` (by code point), an ellipsis marking a cut. */
export function shortText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** The next cell of a keyboard move in a grid of `rows` × `columns`, clamped to its edges. */
export function moveInGrid(at: { row: number; column: number }, key: string, rows: number, columns: number): { row: number; column: number } | undefined {
  const clamp = (v: number, n: number): number => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case 'ArrowUp':
      return { row: clamp(at.row - 1, rows), column: at.column };
    case 'ArrowDown':
      return { row: clamp(at.row + 1, rows), column: at.column };
    case 'ArrowLeft':
      return { row: at.row, column: clamp(at.column - 1, columns) };
    case 'ArrowRight':
      return { row: at.row, column: clamp(at.column + 1, columns) };
    case 'Home':
      return { row: at.row, column: 0 };
    case 'End':
      return { row: at.row, column: columns - 1 };
    default:
      return undefined;
  }
}
