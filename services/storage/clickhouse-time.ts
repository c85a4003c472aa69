/** A DateTime64(3, 'UTC') parameter value: ClickHouse reads "YYYY-MM-DD hh:mm:ss.sss". */
export function toClickHouseTime(instant: Date): string {
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}

/** A DateTime64 column as ISO 8601 (JSON formats answer "YYYY-MM-DD hh:mm:ss.sss", in UTC here). */
export function fromClickHouseTime(text: string): string {
  return text.includes('T') ? text : `${text.replace(' ', 'T')}Z`;
}
