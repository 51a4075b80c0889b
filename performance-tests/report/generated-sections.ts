/**
 * The generated sections of a Markdown document, between
 *   <!-- generated:<name> begin -->  and  <!-- generated:<name> end -->
 * Whatever is between the markers is replaced; everything else is left as it is. A section the
 * document has no markers for is not added (the document decides where each one goes).
 */

const MARKER = /<!-- generated:([\w-]+) (begin|end) -->/g;

export class GeneratedSectionError extends Error {
  override readonly name = 'GeneratedSectionError';
}

/** The names of the sections the document holds, in order; throws on an unpaired or unknown marker. */
export function findGeneratedSections(doc: string, known: readonly string[]): string[] {
  const names: string[] = [];
  let open: string | undefined;
  for (const [, name, edge] of doc.matchAll(MARKER)) {
    if (!known.includes(name!))
      throw new GeneratedSectionError(`unknown generated section "${name}" (known: ${known.join(', ')})`);
    if (edge === 'begin') {
      if (open !== undefined) throw new GeneratedSectionError(`section "${name}" begins inside "${open}"`);
      open = name;
    } else {
      if (open !== name) throw new GeneratedSectionError(`section "${name}" ends without having begun`);
      names.push(name!);
      open = undefined;
    }
  }
  if (open !== undefined) throw new GeneratedSectionError(`section "${open}" never ends`);
  return names;
}

/** The document with each of its generated sections holding `sections[name]`, a blank line around it. */
export function replaceGeneratedSections(doc: string, sections: Readonly<Record<string, string>>): string {
  findGeneratedSections(doc, Object.keys(sections));
  return doc.replace(
    /(<!-- generated:([\w-]+) begin -->)[\s\S]*?(<!-- generated:\2 end -->)/g,
    (_match, begin: string, name: string, end: string) => `${begin}\n\n${sections[name]!.trim()}\n\n${end}`,
  );
}
