import type { FolderKind, ItemByKind } from '../../types.ts';
import { CONTACT_SELECT, contactFromGraph, contactToGraph } from './contact.ts';
import { EVENT_SELECT, eventFromGraph, eventToGraph } from './event.ts';
import type { Json } from './json.ts';
import { MESSAGE_SELECT, messageFromGraph, messageToGraph } from './message.ts';
import { taskFromGraph, taskToGraph } from './task.ts';

export interface KindMapping<T> {
  /** `$select` for reads; undefined where Graph has no change key to ask for (To Do). */
  select?: string[];
  fromGraph(json: Json): T;
  toGraph(item: T): Json;
}

export const GRAPH_MAPPINGS: { [K in FolderKind]: KindMapping<ItemByKind[K]> } = {
  contacts: { select: CONTACT_SELECT, fromGraph: contactFromGraph, toGraph: contactToGraph },
  calendar: { select: EVENT_SELECT, fromGraph: eventFromGraph, toGraph: (e) => eventToGraph(e) },
  tasks: { fromGraph: taskFromGraph, toGraph: taskToGraph },
  mail: { select: MESSAGE_SELECT, fromGraph: messageFromGraph, toGraph: messageToGraph },
};
