import type { FrontEnd } from '../context.ts';

/** Mounts the graph front end of the sandbox. */
export const graphFrontEnd: FrontEnd = () => {};
