/**
 * What a PromQL expression reads, found without a full parser: the series names with the given
 * prefixes, the label names of their matchers, and the labels of `by (...)` clauses. Enough to check
 * our own alert expressions against the metric catalogue (they use no recording rules, no `__name__`
 * matchers and no `on`/`ignoring` lists).
 */
export interface SeriesSelector {
  /** The series name, e.g. `dapr_runtime_component_init_fail_total`. */
  readonly metric: string;
  /** The label names its matchers use. */
  readonly labels: string[];
}

/** The selectors of series whose names start with one of `prefixes`. */
export function seriesSelectors(expr: string, prefixes: string[]): SeriesSelector[] {
  const out: SeriesSelector[] = [];
  const stripped = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const name = /\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?/g;
  let m: RegExpExecArray | null;
  while ((m = name.exec(stripped))) {
    const metric = m[1];
    if (!prefixes.some((p) => metric.startsWith(p))) continue;
    const labels = (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s)
      .map((s) => s.split(/\s*(=~|!~|!=|=)\s*/)[0]);
    out.push({ metric, labels });
  }
  return out;
}

/** The label names of every `by (...)` and `without (...)` clause. */
export function groupingLabels(expr: string): string[] {
  const out: string[] = [];
  const clause = /\b(by|without)\s*\(([^)]*)\)/g;
  let m: RegExpExecArray | null;
  while ((m = clause.exec(expr))) {
    for (const l of m[2].split(',').map((s) => s.trim())) if (l) out.push(l);
  }
  return out;
}
