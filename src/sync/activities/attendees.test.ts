// C8: linking an import's address participants to the CRM's users, contacts and leads.
import { describe, expect, it } from 'vitest';
import { type AddressIndex, linkParticipants, type ParticipantInput, participantLists } from './attendees.ts';

const email = (address: string, role: ParticipantInput['role'] = 'required'): ParticipantInput => ({
  type: 'email',
  email: address,
  role,
  response: 'none',
});

describe('linkParticipants', () => {
  it('looks the whole batch up once and links each address to its holder, keeping role and response', async () => {
    const asked: string[][] = [];
    const index: AddressIndex = new Map([
      ['ada@corp.test', [{ type: 'user', id: 'u-ada' }]],
      ['maria@client.test', [{ type: 'contact', id: 'c-maria' }]],
      ['lee@prospect.test', [{ type: 'lead', id: 'l-lee' }]],
    ]);
    const first = [
      { ...email('Ada@Corp.test', 'organizer'), response: 'accepted' as const },
      { ...email('maria@client.test'), response: 'tentative' as const, name: 'Maria' },
    ];
    const second = [email('lee@prospect.test', 'optional'), email('stranger@else.test')];
    await linkParticipants([first, second], async (addresses) => {
      asked.push(addresses);
      return index;
    });
    expect(asked).toEqual([
      ['ada@corp.test', 'maria@client.test', 'lee@prospect.test', 'stranger@else.test'],
    ]);
    expect(first).toEqual([
      { type: 'user', id: 'u-ada', email: 'Ada@Corp.test', role: 'organizer', response: 'accepted' },
      {
        type: 'contact',
        id: 'c-maria',
        email: 'maria@client.test',
        name: 'Maria',
        role: 'required',
        response: 'tentative',
      },
    ]);
    // The address stays on a linked participant; an address nobody holds stays an address.
    expect(second).toEqual([
      { type: 'lead', id: 'l-lee', email: 'lee@prospect.test', role: 'optional', response: 'none' },
      email('stranger@else.test'),
    ]);
  });

  it('takes a user before a contact before a lead, and of two contacts with one address the oldest', async () => {
    // The index lists each type oldest first (crm.holdersOf).
    const index: AddressIndex = new Map([
      [
        'shared@client.test',
        [
          { type: 'lead', id: 'l-1' },
          { type: 'contact', id: 'c-old' },
          { type: 'contact', id: 'c-new' },
        ],
      ],
      [
        'colleague@corp.test',
        [
          { type: 'contact', id: 'c-2' },
          { type: 'user', id: 'u-2' },
        ],
      ],
    ]);
    const list = [email('shared@client.test'), email('colleague@corp.test')];
    await linkParticipants([list], async () => index);
    expect(list.map((p) => [p.type, p.id])).toEqual([
      ['contact', 'c-old'],
      ['user', 'u-2'],
    ]);
  });

  it('leaves linked participants alone and asks nothing when no address is left to match', async () => {
    const linked: ParticipantInput = {
      type: 'contact',
      id: 'c-kept',
      email: 'maria@client.test',
      role: 'required',
      response: 'none',
    };
    const list = [linked];
    let asked = 0;
    await linkParticipants([list], async () => {
      asked++;
      return new Map([['maria@client.test', [{ type: 'user', id: 'u-other' }]]]);
    });
    expect(asked).toBe(0);
    expect(list).toEqual([linked]);
  });

  it('finds the participant lists of creates and patches that have one', () => {
    const a = [email('a@x.test')];
    expect(participantLists([{ participants: a }, { subject: 'No attendees change' }])).toEqual([a]);
  });
});
