/** Absolute path of the built static UI that the hub serves. */
export declare const webRoot: string;
