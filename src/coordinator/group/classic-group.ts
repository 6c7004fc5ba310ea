/**
 * A classic group (JoinGroup / SyncGroup / Heartbeat / LeaveGroup) and its members, with Kafka's
 * states and transitions (ClassicGroup, ClassicGroupMember, ClassicGroupState):
 *
 *   Empty --join--> PreparingRebalance --join phase done--> CompletingRebalance --leader sync--> Stable
 *   Stable / CompletingRebalance --join, leave, failure--> PreparingRebalance
 *   PreparingRebalance --every member gone--> Empty;  any --unload / delete--> Dead
 *
 * Parked JoinGroup and SyncGroup requests are the members' awaiting callbacks.
 */
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import type { JoinGroupResponse, JoinGroupResponseJoinGroupResponseMember } from '../../protocol/generated/api/11-join-group.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/14-sync-group.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-protocol.js';

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const VALID_PREVIOUS_STATES: Readonly<Record<ClassicGroupState, readonly ClassicGroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export const EMPTY_ASSIGNMENT = Buffer.alloc(0);

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export type JoinCallback = (response: JoinGroupResponse) => void;
export type SyncCallback = (response: SyncGroupResponse) => void;

function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || !a[i]!.metadata.equals(b[i]!.metadata)) return false;
  }
  return true;
}

export class ClassicGroupMember {
  awaitingJoin: JoinCallback | null = null;
  awaitingSync: SyncCallback | null = null;
  /** A member that joined and has not yet been through a completed join phase. */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: Protocol[],
    public assignment: Buffer = EMPTY_ASSIGNMENT,
  ) {}

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  metadata(protocolName: string | null): Buffer {
    const p = this.supportedProtocols.find((x) => x.name === protocolName);
    if (!p) throw new Error(`Member does not support protocol ${protocolName}`);
    return p.metadata;
  }

  /** Members waiting in a rebalance satisfy heartbeats; new members never do. */
  hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin || this.isAwaitingSync;
  }

  matches(protocols: readonly Protocol[]): boolean {
    return sameProtocols(protocols, this.supportedProtocols);
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    for (const p of this.supportedProtocols) if (candidates.has(p.name)) return p.name;
    throw new Error('Member does not support any of the candidate protocols');
  }

  hasAssignment(): boolean {
    return this.assignment.length > 0;
  }
}

export class ClassicGroup {
  private stateValue: ClassicGroupState;
  private previous: ClassicGroupState = 'Dead';
  currentStateTimestamp: number | null;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  private readonly membersById = new Map<string, ClassicGroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private numMembersAwaitingJoin = 0;
  private readonly supportedProtocolCounts = new Map<string, number>();
  private readonly pendingSyncMembers = new Set<string>();
  subscribedTopics: Set<string> | null = null;
  /** Set when a member joins during the initial rebalance, which then waits a little longer. */
  newMemberAdded = false;

  constructor(
    readonly groupId: string,
    initialState: ClassicGroupState,
    private readonly now: () => number,
    init: { generationId?: number; protocolType?: string | null; protocolName?: string | null; leaderId?: string | null; currentStateTimestamp?: number | null } = {},
  ) {
    this.stateValue = initialState;
    this.generationId = init.generationId ?? 0;
    this.protocolType = init.protocolType ?? null;
    this.protocolName = init.protocolName ?? null;
    this.leaderId = init.leaderId ?? null;
    this.currentStateTimestamp = init.currentStateTimestamp === undefined ? now() : init.currentStateTimestamp;
  }

  get state(): ClassicGroupState {
    return this.stateValue;
  }

  get previousState(): ClassicGroupState {
    return this.previous;
  }

  isInState(s: ClassicGroupState): boolean {
    return this.stateValue === s;
  }

  /** Empty in the sense of Group.isEmpty: the Empty state. */
  get isEmpty(): boolean {
    return this.stateValue === 'Empty';
  }

  /** A group created by offset commits alone (no protocol type, no members). */
  get isSimpleGroup(): boolean {
    return this.protocolType === null && this.membersById.size === 0 && this.pendingJoinMembers.size === 0;
  }

  transitionTo(target: ClassicGroupState): void {
    if (!VALID_PREVIOUS_STATES[target].includes(this.stateValue)) {
      throw new Error(`Group ${this.groupId} should be in one of ${VALID_PREVIOUS_STATES[target].join(', ')} states before moving to ${target} state. Instead it is in ${this.stateValue} state.`);
    }
    this.previous = this.stateValue;
    this.stateValue = target;
    this.currentStateTimestamp = this.now();
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.stateValue);
  }

  // ---- members

  hasMember(memberId: string): boolean {
    return this.membersById.has(memberId);
  }

  member(memberId: string): ClassicGroupMember | undefined {
    return this.membersById.get(memberId);
  }

  get numMembers(): number {
    return this.membersById.size;
  }

  allMembers(): ClassicGroupMember[] {
    return [...this.membersById.values()];
  }

  allMemberIds(): string[] {
    return [...this.membersById.keys()];
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: ClassicGroupMember, onJoin: JoinCallback | null = null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new Error(`Static member with groupInstanceId=${member.groupInstanceId} cannot be added to group ${this.groupId} since it is already a member.`);
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.membersById.size === 0) this.protocolType = member.protocolType;
    if (this.protocolType !== member.protocolType) throw new Error("The group and member's protocol type must be the same.");
    if (!this.supportsProtocols(member.protocolType, member.supportedProtocols)) throw new Error("None of the member's protocols can be supported.");
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.membersById.set(member.memberId, member);
    this.incrementProtocols(member);
    member.awaitingJoin = onJoin;
    if (member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const removed = this.membersById.get(memberId);
    if (removed) {
      this.membersById.delete(memberId);
      this.decrementProtocols(removed);
      if (removed.isAwaitingJoin) this.numMembersAwaitingJoin--;
      if (removed.groupInstanceId !== null) this.staticMembers.delete(removed.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.membersById.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Keeps the leader if it rejoined, else elects a member that did; false when nobody rejoined. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const current = this.membersById.get(this.leaderId);
    if (current && current.isAwaitingJoin) return true;
    for (const m of this.membersById.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /** Static members only: the same member under a new member id; parked requests of the old id are fenced. */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const removed = this.membersById.get(oldMemberId);
    if (!removed) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`);
    this.membersById.delete(oldMemberId);
    this.completeJoin(removed, {
      ...joinResponseBase(),
      memberId: oldMemberId,
      protocolName: null,
      protocolType: null,
      leader: '',
      errorCode: ErrorCode.FENCED_INSTANCE_ID,
    });
    this.completeSync(removed, { ...syncResponseBase(), errorCode: ErrorCode.FENCED_INSTANCE_ID });
    const replacement = new ClassicGroupMember(
      newMemberId,
      removed.groupInstanceId,
      removed.clientId,
      removed.clientHost,
      removed.rebalanceTimeoutMs,
      removed.sessionTimeoutMs,
      removed.protocolType,
      removed.supportedProtocols,
      removed.assignment,
    );
    this.membersById.set(newMemberId, replacement);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replacement;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  addPendingMember(memberId: string): boolean {
    if (this.hasMember(memberId)) throw new Error(`Attempt to add pending member ${memberId} which is already a stable member of the group.`);
    const had = this.pendingJoinMembers.has(memberId);
    this.pendingJoinMembers.add(memberId);
    return !had;
  }

  get numPendingJoinMembers(): number {
    return this.pendingJoinMembers.size;
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  allPendingSyncMembers(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  hasStaticMember(groupInstanceId: string): boolean {
    return this.staticMembers.has(groupInstanceId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  allStaticMemberIds(): string[] {
    return [...this.staticMembers.values()];
  }

  notYetRejoinedMembers(): ClassicGroupMember[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin);
  }

  hasAllMembersJoined(): boolean {
    return this.membersById.size === this.numMembersAwaitingJoin && this.pendingJoinMembers.size === 0;
  }

  get numAwaitingJoinResponse(): number {
    return this.numMembersAwaitingJoin;
  }

  /** The group's rebalance timeout: the largest of its members'. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.membersById.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Kafka throws UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID when the member (or its instance id) is not the one the group knows. */
  validateMember(memberId: string, groupInstanceId: string | null): void {
    if (groupInstanceId !== null) {
      const existing = this.staticMemberId(groupInstanceId);
      if (existing === undefined) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
      if (existing !== memberId) throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (!this.hasMember(memberId)) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
  }

  isStaticMemberFenced(groupInstanceId: string, memberId: string): boolean {
    const existing = this.staticMemberId(groupInstanceId);
    return existing !== undefined && existing !== memberId;
  }

  // ---- protocols

  private incrementProtocols(member: ClassicGroupMember): void {
    for (const p of member.supportedProtocols) this.supportedProtocolCounts.set(p.name, (this.supportedProtocolCounts.get(p.name) ?? 0) + 1);
  }

  private decrementProtocols(member: ClassicGroupMember): void {
    for (const p of member.supportedProtocols) this.supportedProtocolCounts.set(p.name, (this.supportedProtocolCounts.get(p.name) ?? 0) - 1);
  }

  private candidateProtocols(): Set<string> {
    const out = new Set<string>();
    for (const [name, count] of this.supportedProtocolCounts) if (count === this.membersById.size) out.add(name);
    return out;
  }

  /** Whether a member with these protocols could join: an empty group takes any non-empty set, else one must be supported by every member. */
  supportsProtocols(memberProtocolType: string, memberProtocols: readonly Protocol[]): boolean {
    if (this.isInState('Empty')) return memberProtocolType !== '' && memberProtocols.length > 0;
    return this.protocolType === memberProtocolType && memberProtocols.some((p) => (this.supportedProtocolCounts.get(p.name) ?? 0) === this.membersById.size);
  }

  /** Each member votes for its preferred protocol among those every member supports; most votes wins. */
  selectProtocol(): string {
    if (this.membersById.size === 0) throw new Error('Cannot select protocol for empty group');
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.membersById.values()) {
      const name = m.vote(candidates);
      votes.set(name, (votes.get(name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best!;
  }

  get usesConsumerGroupProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType === null || this.protocolType !== CONSUMER_PROTOCOL_TYPE) return null;
    if (this.membersById.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const all = new Set<string>();
    for (const m of this.membersById.values()) {
      let metadata: Buffer;
      try {
        metadata = m.metadata(this.protocolName);
      } catch {
        return null;
      }
      const topics = subscribedTopicsOf(metadata);
      if (topics === null) return null;
      for (const t of topics) all.add(t);
    }
    return all;
  }

  /** Whether offsets of the topic are in use: unknown subscriptions count as subscribed for consumer groups. */
  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedTopics !== null) return this.subscribedTopics.has(topic);
    return this.usesConsumerGroupProtocol;
  }

  updateMember(member: ClassicGroupMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, onJoin: JoinCallback | null): void {
    this.decrementProtocols(member);
    member.supportedProtocols = protocols;
    this.incrementProtocols(member);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (onJoin !== null && !member.isAwaitingJoin) this.numMembersAwaitingJoin++;
    else if (onJoin === null && member.isAwaitingJoin) this.numMembersAwaitingJoin--;
    member.awaitingJoin = onJoin;
  }

  completeJoin(member: ClassicGroupMember, response: JoinGroupResponse): boolean {
    const cb = member.awaitingJoin;
    if (!cb) return false;
    member.awaitingJoin = null;
    this.numMembersAwaitingJoin--;
    cb(response);
    return true;
  }

  completeAllJoins(errorCode: number): void {
    for (const m of this.allMembers()) this.completeJoin(m, { ...joinResponseBase(), memberId: m.memberId, errorCode });
  }

  completeSync(member: ClassicGroupMember, response: SyncGroupResponse): boolean {
    const cb = member.awaitingSync;
    if (!cb) return false;
    member.awaitingSync = null;
    cb(response);
    return true;
  }

  completeAllSyncs(errorCode: number): void {
    for (const m of this.allMembers()) this.completeSync(m, { ...syncResponseBase(), errorCode });
  }

  initNextGeneration(): void {
    this.generationId++;
    if (this.membersById.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty');
    }
    this.clearPendingSyncMembers();
  }

  /** The members as the leader's JoinGroup response lists them. */
  currentMembersForJoin(): JoinGroupResponseJoinGroupResponseMember[] {
    if (this.isInState('Dead') || this.isInState('PreparingRebalance')) {
      throw new Error(`Cannot obtain classic member metadata for group ${this.groupId} in state ${this.stateValue}`);
    }
    return this.allMembers().map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName) }));
  }

  groupAssignment(): Map<string, Buffer> {
    return new Map(this.allMembers().map((m) => [m.memberId, m.assignment]));
  }

  /** Kafka's OffsetExpirationCondition for the group: the timestamp an offset's retention counts from, or null when offsets must not expire. */
  offsetExpirationBase(): ((commitTimestampMs: number) => number) | null {
    if (this.protocolType !== null) {
      if (this.isInState('Empty')) {
        const since = this.currentStateTimestamp;
        return (commit) => since ?? commit;
      }
      if (this.usesConsumerGroupProtocol && this.subscribedTopics !== null && this.isInState('Stable')) return (commit) => commit;
      return null;
    }
    return (commit) => commit;
  }
}

export function joinResponseBase(): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode: 0, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [] };
}

export function syncResponseBase(): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode: 0, protocolType: null, protocolName: null, assignment: EMPTY_ASSIGNMENT };
}
