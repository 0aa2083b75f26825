/** The project root (the folder of package.json). */
export declare const ROOT: string;
/** The bundled entries: name → source path relative to ROOT. */
export declare const ENTRIES: Record<'eval-start' | 'eval-cli' | 'eval-worker', string>;
/** file URL of the up-to-date bundle of an entry, built if needed; null: start the TypeScript (importTs). */
export declare function bundleOf(name: keyof typeof ENTRIES): URL | null;
/** Import a TypeScript module (relative to ROOT) through tsx's loader. */
export declare function importTs(path: string): Promise<unknown>;
