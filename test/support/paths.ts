import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** ../shared beside the repository (read-only inputs; never copied into the project). */
export const SHARED = join(REPO, "..", "shared");
export const CORPUS = join(SHARED, "corpus");
export const FIXTURES = join(SHARED, "reference", "fixtures");
