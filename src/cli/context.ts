/** What every command gets: where the project is and how to talk to the user. */
import type { Output } from "./output.js";

export interface CliContext {
  root: string;
  output: Output;
}
