/** The page's colours: the Okabe–Ito palette, told apart by people with any common colour-vision deficiency. */

/** A colour for each attempt outcome. */
export const OUTCOME_COLORS: Readonly<Record<string, string>> = {
  ok: '#009E73',
  retryable: '#E69F00',
  throttled: '#56B4E9',
  permanent: '#D55E00',
  fatal: '#CC79A7',
  'in-doubt': '#0072B2',
};

/** Colours of the latency percentiles, the configured rate and run markers. */
export const LINE_COLORS = { p50: '#0072B2', p95: '#E69F00', p99: '#D55E00', rate: '#000000', marker: '#666666', bars: '#0072B2' } as const;
