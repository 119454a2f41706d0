import type { FrontEnd } from '../context.ts';

/** Mounts the ews front end of the sandbox. */
export const ewsFrontEnd: FrontEnd = () => {};
