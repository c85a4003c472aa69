import { parse } from 'yaml';

/**
 * A YAML file imported from code (the console's templates import schemas/examples/templates): the
 * bundler and the test runner turn it into a module whose default export is the parsed data, so
 * the YAML stays the one source of each template.
 */
export function yamlModule(text: string): string {
  return `export default ${JSON.stringify(parse(text))};`;
}
