// The package ships no types; this is the shape of what it returns, as its README describes.
declare module 'parse-prometheus-text-format' {
  export interface MetricSample {
    readonly value?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }
  export interface MetricFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly MetricSample[];
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
