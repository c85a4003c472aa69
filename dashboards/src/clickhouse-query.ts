import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';

/**
 * The datasource every panel and variable uses: provisioned with this uid by
 * infra/grafana/provisioning/datasources/clickhouse.yaml.
 */
export const CLICKHOUSE_DATASOURCE = { type: 'grafana-clickhouse-datasource', uid: 'leaderboard-clickhouse' } as const;

/** The plugin's result formats (grafana/clickhouse-datasource: 0 time series, 1 table). */
export const QueryFormat = { timeseries: 0, table: 1 } as const;

/** The plugin version the targets are written for (infra provisions it); older targets get migrated by the plugin's editor. */
export const PLUGIN_VERSION = '4.13.0';
export type QueryFormat = keyof typeof QueryFormat;

/** A panel target in the ClickHouse plugin's SQL-editor shape. */
export interface ClickHouseTarget extends Dataquery {
  refId: string;
  datasource: typeof CLICKHOUSE_DATASOURCE;
  editorType: 'sql';
  rawSql: string;
  format: number;
  queryType: QueryFormat;
  pluginVersion: string;
}

/**
 * The foundation SDK has no ClickHouse query type; this is its documented custom-query
 * pattern: a Builder<Dataquery> whose build() returns the plugin's target.
 */
export class ClickHouseQueryBuilder implements Builder<ClickHouseTarget> {
  readonly #rawSql: string;
  #format: QueryFormat = 'table';
  #refId = 'A';

  constructor(rawSql: string) {
    this.#rawSql = rawSql;
  }

  format(format: QueryFormat): this {
    this.#format = format;
    return this;
  }

  refId(refId: string): this {
    this.#refId = refId;
    return this;
  }

  build(): ClickHouseTarget {
    return {
      refId: this.#refId,
      datasource: CLICKHOUSE_DATASOURCE,
      editorType: 'sql',
      rawSql: this.#rawSql,
      format: QueryFormat[this.#format],
      queryType: this.#format,
      pluginVersion: PLUGIN_VERSION,
      _implementsDataqueryVariant() {},
    };
  }
}

export function tableQuery(rawSql: string): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(rawSql).format('table');
}

export function timeSeriesQuery(rawSql: string): ClickHouseQueryBuilder {
  return new ClickHouseQueryBuilder(rawSql).format('timeseries');
}

/**
 * SQL as written in the source, without the source's indentation, so the generated JSON reads
 * like a query. A multi-line value (a shared fragment) is indented to where it is placed.
 */
export function sql(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  const marked = strings.reduce((out, s, i) => out + s + (i < values.length ? `⟦${i}⟧` : ''), '');
  const lines = marked.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines
    .map((line) => {
      const own = line.slice(indent);
      const lead = /^ */.exec(own)?.[0] ?? '';
      return own.replace(/⟦(\d+)⟧/g, (_, i: string) => String(values[Number(i)]).split('\n').join(`\n${lead}`));
    })
    .join('\n');
}
