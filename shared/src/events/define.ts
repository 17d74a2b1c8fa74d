import type { z } from 'zod';
import type { Result } from '../errors.ts';

/**
 * Building blocks of the event contract. A *command* is a client → server event answered
 * through the ack with `Result<T>`; a *notification* is a server → client event. Both are zod
 * schemas first: the TypeScript types are inferred, never written twice.
 */
export interface CommandDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  payload: P;
  result: R;
}

export function command<P extends z.ZodType, R extends z.ZodType>(payload: P, result: R): CommandDef<P, R> {
  return { payload, result };
}

export type CommandMap = Record<string, CommandDef>;
export type NotificationMap = Record<string, z.ZodType>;

export type Ack<T> = (result: Result<T>) => void;

export type CommandPayload<M extends CommandMap, K extends keyof M> = z.input<M[K]['payload']>;
export type CommandResult<M extends CommandMap, K extends keyof M> = z.output<M[K]['result']>;

/** Socket.IO event map for commands: `(payload, ack) => void`. */
export type CommandEvents<M extends CommandMap> = {
  [K in keyof M]: (payload: z.input<M[K]['payload']>, ack: Ack<z.output<M[K]['result']>>) => void;
};

/** Socket.IO event map for notifications: `(payload) => void`. */
export type NotificationEvents<M extends NotificationMap> = {
  [K in keyof M]: (payload: z.output<M[K]>) => void;
};

/** Socket.IO event map for server → client requests that the client answers (e.g. a print job to a hub). */
export type RequestEvents<M extends CommandMap> = {
  [K in keyof M]: (payload: z.output<M[K]['payload']>, ack: Ack<z.input<M[K]['result']>>) => void;
};
