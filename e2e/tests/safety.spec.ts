import { closeAll, expect, expectFullMesh, expectNoErrors, join, safetyCode, test, uniqueRoom } from './support.js';

test('safety codes: both sides of every pair show the same code, and each pair has its own', async ({ browser }) => {
  const room = uniqueRoom('safety');
  const people = [await join(browser, room, 'Ada'), await join(browser, room, 'Bob'), await join(browser, room, 'Cy')];
  await expectFullMesh(people);
  const codes = new Map<string, string>();
  for (const person of people) {
    for (const other of people) if (other !== person) codes.set(`${person.name}->${other.name}`, await safetyCode(person, other.name));
  }
  const pairs = [['Ada', 'Bob'], ['Ada', 'Cy'], ['Bob', 'Cy']] as const;
  for (const [a, b] of pairs) expect(codes.get(`${a}->${b}`), `${a} and ${b} compare their code`).toBe(codes.get(`${b}->${a}`));
  // Every link has its own certificates, so its own code.
  expect(new Set(pairs.map(([a, b]) => codes.get(`${a}->${b}`))).size).toBe(3);
  console.log(`safety codes: ${pairs.map(([a, b]) => `${a}/${b} ${codes.get(`${a}->${b}`)}`).join(', ')}`);
  expectNoErrors(people);
  await closeAll(people);
});
