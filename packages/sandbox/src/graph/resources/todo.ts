// Microsoft To Do: task lists are the mailbox's task folders; tasks are the task items in them.
import type { Folder, Item, TaskData } from '../../model.ts';
import { PERMISSIONS } from '../auth.ts';
import { folderDelta, itemDelta } from '../delta.ts';
import { todoListToGraph } from '../mappers/folders.ts';
import { taskDataFromGraph, taskPatchFromGraph, taskToGraph } from '../mappers/task.ts';
import { entityResponse, listResponse, noContent } from '../paging.ts';
import type { Route, RouteCall } from '../types.ts';
import {
  createItem,
  defaultFolder,
  deleteItem,
  folderById,
  itemById,
  jsonBody,
  listItems,
  patchItem,
  requireString,
  viewOf,
} from './common.ts';

const read = PERMISSIONS.tasksRead;
const write = PERMISSIONS.tasksWrite;

const list = (call: RouteCall): Folder => folderById(call, call.params.listId, 'IPF.Task');
const taskJson = (call: RouteCall) => {
  const view = viewOf(call);
  return (item: Item<'task'>) => taskToGraph(item, view);
};
const lists = (call: RouteCall) =>
  call.ctx.store.folders(call.mailbox.id).filter((f) => f.folderClass === 'IPF.Task');

/** Completing a task stamps its completion time, as To Do does. */
function withCompletion(patch: Partial<TaskData>, now: number): Partial<TaskData> {
  if (patch.status === 'completed' && !patch.completedDateTime)
    return { ...patch, completedDateTime: new Date(now).toISOString(), percentComplete: 100 };
  if (patch.status && patch.status !== 'completed' && !('completedDateTime' in patch))
    return { ...patch, completedDateTime: undefined };
  return patch;
}

export const todoRoutes: Route[] = [
  {
    method: 'GET',
    pattern: 'todo/lists',
    scope: 'mailbox',
    name: 'todoLists.list',
    permissions: read,
    handle: (c) => listResponse(c, lists(c).map(todoListToGraph), `users('${c.mailbox.id}')/todo/lists`),
  },
  {
    method: 'POST',
    pattern: 'todo/lists',
    scope: 'mailbox',
    name: 'todoLists.create',
    permissions: write,
    handle: (c) => {
      const displayName = requireString(jsonBody(c), 'displayName', 'A task list');
      const parent = defaultFolder(c, 'tasks');
      const folder = c.ctx.store.createFolder(
        c.mailbox.id,
        { parentId: parent.parentId ?? parent.id, displayName, folderClass: 'IPF.Task' },
        'graph',
      );
      return entityResponse(c, todoListToGraph(folder), 'todo/lists/$entity', 201);
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/delta',
    scope: 'mailbox',
    name: 'todoLists.delta',
    permissions: read,
    handle: (c) =>
      folderDelta(c, {
        include: (f) => f.folderClass === 'IPF.Task',
        toGraph: todoListToGraph,
        context: 'Collection(todoTaskList)',
      }),
  },
  {
    method: 'GET',
    pattern: 'todo/lists/{listId}',
    scope: 'mailbox',
    name: 'todoLists.get',
    permissions: read,
    handle: (c) => entityResponse(c, todoListToGraph(list(c)), 'todo/lists/$entity'),
  },
  {
    method: 'PATCH',
    pattern: 'todo/lists/{listId}',
    scope: 'mailbox',
    name: 'todoLists.update',
    permissions: write,
    handle: (c) => {
      const displayName = requireString(jsonBody(c), 'displayName', 'A task list');
      return entityResponse(
        c,
        todoListToGraph(c.ctx.store.updateFolder(c.mailbox.id, list(c).id, { displayName }, 'graph')),
        'todo/lists/$entity',
      );
    },
  },
  {
    method: 'DELETE',
    pattern: 'todo/lists/{listId}',
    scope: 'mailbox',
    name: 'todoLists.delete',
    permissions: write,
    handle: (c) => {
      c.ctx.store.deleteFolder(c.mailbox.id, list(c).id, 'graph');
      return noContent();
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/{listId}/tasks',
    scope: 'mailbox',
    name: 'todoTasks.list',
    permissions: read,
    handle: (c) => listItems(c, [list(c)], 'task', taskJson(c), 'todo/lists/tasks'),
  },
  {
    method: 'POST',
    pattern: 'todo/lists/{listId}/tasks',
    scope: 'mailbox',
    name: 'todoTasks.create',
    permissions: write,
    handle: (c) => {
      const data = taskDataFromGraph(jsonBody(c), c.mailbox.address);
      const completed = withCompletion(data, c.ctx.now()) as TaskData;
      return createItem(c, list(c), 'task', completed, taskJson(c), 'todo/lists/tasks/$entity');
    },
  },
  {
    method: 'GET',
    pattern: 'todo/lists/{listId}/tasks/delta',
    scope: 'mailbox',
    name: 'todoTasks.delta',
    permissions: read,
    handle: (c) =>
      itemDelta(c, { folder: list(c), kind: 'task', toGraph: taskJson(c), context: 'Collection(todoTask)' }),
  },
  {
    method: 'GET',
    pattern: 'todo/lists/{listId}/tasks/{id}',
    scope: 'mailbox',
    name: 'todoTasks.get',
    permissions: read,
    handle: (c) =>
      entityResponse(
        c,
        taskJson(c)(itemById(c, c.params.id, 'task', list(c).id)),
        'todo/lists/tasks/$entity',
      ),
  },
  {
    method: 'PATCH',
    pattern: 'todo/lists/{listId}/tasks/{id}',
    scope: 'mailbox',
    name: 'todoTasks.update',
    permissions: write,
    handle: (c) => {
      const item = itemById(c, c.params.id, 'task', list(c).id);
      return patchItem(
        c,
        item,
        withCompletion(taskPatchFromGraph(jsonBody(c)), c.ctx.now()),
        taskJson(c),
        'todo/lists/tasks/$entity',
      );
    },
  },
  {
    method: 'DELETE',
    pattern: 'todo/lists/{listId}/tasks/{id}',
    scope: 'mailbox',
    name: 'todoTasks.delete',
    permissions: write,
    handle: (c) => deleteItem(c, itemById(c, c.params.id, 'task', list(c).id), 'hard'),
  },
];
