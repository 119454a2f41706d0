import { SecretError } from '../secrets/index.ts';

export const isSecretError = (error: unknown): error is SecretError => error instanceof SecretError;
