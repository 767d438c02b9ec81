export interface SharedFile {
  name: string;
  text: string;
}
/** The `shared/data` folder beside the checkout; throws a clear error when it is missing. */
export declare function sharedDataDir(): string;
/** A path under shared/data, with a clear error when it is missing. */
export declare function sharedData(...segments: string[]): string;
/** The text of a file under shared/data. */
export declare function sharedDataFile(...segments: string[]): string;
/** Every file under `dir` whose name ends with `suffix`, sorted, recursively. */
export declare function filesUnder(dir: string, suffix: string): string[];
/** Files under a shared/data folder as an import's `{name, text}`. */
export declare function importFiles(folder: string, suffix: string): SharedFile[];
/** The Sigma rule files of the three rule folders, in a stable order. */
export declare function sigmaFiles(limit?: number): SharedFile[];
