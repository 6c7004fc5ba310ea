/**
 * The classic group protocol of one __consumer_offsets partition (Kafka's GroupMetadataManager,
 * classic half): JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups and group
 * deletion, with Kafka's rebalance, session and sync timers.
 *
 * As in Kafka, classic groups keep their soft state (members, parked requests, state) in memory and
 * write GroupMetadata records without replaying them (`replayRecords: false`): the records are
 * what a reload rebuilds the group from. Parked JoinGroup / SyncGroup requests complete through
 * the callbacks the service passes in.
 *
 * Written from Apache Kafka's group-coordinator module (GroupMetadataManager, ClassicGroup,
 * GroupCoordinatorService, trunk 2025), read for behaviour; error codes and transitions follow it.
 */
import { ErrorCode, KafkaError } from '../../protocol/error-codes.js';
import type { CoordinatorRecord } from '../../protocol/coordinator-record-serde.js';
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/api/15-describe-groups.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import type { HeartbeatResponse } from '../../protocol/generated/api/12-heartbeat.js';
import type { JoinGroupResponse } from '../../protocol/generated/api/11-join-group.js';
import type { LeaveGroupResponse, LeaveGroupResponseMemberResponse } from '../../protocol/generated/api/13-leave-group.js';
import type { ListGroupsResponseListedGroup } from '../../protocol/generated/api/16-list-groups.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/14-sync-group.js';
import type { CoordinatorResult, ShardContext } from '../runtime/coordinator-runtime.js';
import {
  ClassicGroup,
  ClassicGroupMember,
  EMPTY_ASSIGNMENT,
  joinResponseBase,
  syncResponseBase,
  type JoinCallback,
  type Protocol,
  type SyncCallback,
} from './classic-group.js';
import type { GroupCoordinatorConfig } from './group-coordinator-config.js';
import { emptyGroupMetadataRecord, groupMetadataRecord, groupMetadataTombstone } from './records.js';

export type Result<T> = CoordinatorResult<T, CoordinatorRecord>;

export const UNKNOWN_MEMBER_ID = '';
/** JoinGroup v4+ must carry a member id the coordinator handed out (KIP-394). */
export const MIN_VERSION_REQUIRING_KNOWN_MEMBER_ID = 4;
/** JoinGroup v9+ lets a rejoining static leader skip the assignment. */
export const MIN_VERSION_SUPPORTING_SKIP_ASSIGNMENT = 9;

/** The nothing-to-write result; compared by identity, as Kafka does, to spot joins that wrote nothing. */
export const EMPTY_RESULT: Result<void> = Object.freeze({ records: [], response: undefined }) as Result<void>;

export interface GroupRequestContext {
  clientId: string;
  /** As Kafka prints an InetAddress: "/127.0.0.1". */
  clientHost: string;
  apiVersion: number;
}

export interface JoinGroupParams {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  reason: string | null;
}

export interface SyncGroupParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface HeartbeatParams {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveGroupParams {
  groupId: string;
  members: { memberId: string; groupInstanceId: string | null; reason: string | null }[];
}

/** How Kafka reports a failed coordinator write to a client (appendGroupMetadataErrorToResponseError). */
export function appendErrorToResponseError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return code;
  }
}

function join(partial: Partial<JoinGroupResponse>): JoinGroupResponse {
  return { ...joinResponseBase(), ...partial };
}

function sync(partial: Partial<SyncGroupResponse>): SyncGroupResponse {
  return { ...syncResponseBase(), ...partial };
}

function heartbeat(errorCode: number): HeartbeatResponse {
  return { throttleTimeMs: 0, errorCode };
}

export class GroupMetadataManager {
  readonly groups = new Map<string, ClassicGroup>();

  constructor(
    private readonly shard: ShardContext<CoordinatorRecord>,
    private readonly config: GroupCoordinatorConfig,
    private readonly newUuid: () => string,
  ) {}

  private get timer() {
    return this.shard.timer;
  }

  private get log() {
    return this.shard.log;
  }

  static heartbeatKey(groupId: string, memberId: string): string {
    return `heartbeat-${groupId}-${memberId}`;
  }

  static joinKey(groupId: string): string {
    return `join-${groupId}`;
  }

  static syncKey(groupId: string): string {
    return `sync-${groupId}`;
  }

  // ---- lookup

  /** The group, or GROUP_ID_NOT_FOUND. */
  group(groupId: string): ClassicGroup {
    const g = this.groups.get(groupId);
    if (!g) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
    return g;
  }

  getOrMaybeCreateClassicGroup(groupId: string, createIfNotExists: boolean): ClassicGroup {
    const g = this.groups.get(groupId);
    if (g) return g;
    if (!createIfNotExists) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Classic group ${groupId} not found.`);
    const created = new ClassicGroup(groupId, 'Empty', this.shard.now);
    this.groups.set(groupId, created);
    return created;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  // ---- JoinGroup

  classicGroupJoin(context: GroupRequestContext, request: JoinGroupParams, respond: JoinCallback): Result<void> {
    const { groupId, memberId } = request;
    const isUnknownMember = memberId === UNKNOWN_MEMBER_ID;
    const isNewGroup = !this.groups.has(groupId);
    let group: ClassicGroup;
    try {
      group = this.getOrMaybeCreateClassicGroup(groupId, isUnknownMember);
    } catch {
      respond(join({ memberId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
      return EMPTY_RESULT;
    }

    let result: Result<void> = EMPTY_RESULT;
    if (!this.acceptJoiningMember(group, memberId)) {
      group.remove(memberId);
      respond(join({ memberId: UNKNOWN_MEMBER_ID, errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED }));
    } else if (isUnknownMember) {
      result = this.joinNewMember(context, request, group, respond);
    } else {
      result = this.joinExistingMember(context, request, group, respond);
    }

    if (isNewGroup && result === EMPTY_RESULT) {
      // A new group writes a record so that it exists in the log; if that write fails the group goes away again.
      return {
        records: [emptyGroupMetadataRecord(group)],
        response: undefined,
        replayRecords: false,
        onComplete: (error) => {
          if (!error) return;
          this.log.warn({ groupId, error: error.info.name }, 'failed to write empty metadata for new group');
          if (this.groups.get(groupId) === group && group.numMembers === 0) this.groups.delete(groupId);
          respond(join({ errorCode: appendErrorToResponseError(error.code) }));
        },
      };
    }
    return result;
  }

  private joinNewMember(context: GroupRequestContext, request: JoinGroupParams, group: ClassicGroup, respond: JoinCallback): Result<void> {
    if (group.isInState('Dead')) {
      respond(join({ memberId: UNKNOWN_MEMBER_ID, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
    } else if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      respond(join({ memberId: UNKNOWN_MEMBER_ID, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL }));
    } else {
      const newMemberId = `${request.groupInstanceId ?? context.clientId}-${this.newUuid()}`;
      if (request.groupInstanceId !== null) return this.joinNewStaticMember(context, request, group, newMemberId, respond);
      return this.joinNewDynamicMember(context, request, group, newMemberId, respond);
    }
    return EMPTY_RESULT;
  }

  private joinNewStaticMember(context: GroupRequestContext, request: JoinGroupParams, group: ClassicGroup, newMemberId: string, respond: JoinCallback): Result<void> {
    const existing = group.staticMemberId(request.groupInstanceId!);
    if (existing !== undefined) {
      this.log.info({ groupId: group.groupId, groupInstanceId: request.groupInstanceId, state: group.state, replaced: existing }, 'static member with unknown member id joins: replacing its previous member id');
      return this.updateStaticMemberThenRebalanceOrCompleteJoin(context, request, group, existing, newMemberId, respond);
    }
    return this.addMemberThenRebalanceOrCompleteJoin(context, request, group, newMemberId, respond);
  }

  private joinNewDynamicMember(context: GroupRequestContext, request: JoinGroupParams, group: ClassicGroup, newMemberId: string, respond: JoinCallback): Result<void> {
    if (context.apiVersion >= MIN_VERSION_REQUIRING_KNOWN_MEMBER_ID) {
      // KIP-394: hand out the member id and ask the member to join again with it.
      group.addPendingMember(newMemberId);
      const groupId = group.groupId;
      this.timer.schedule(GroupMetadataManager.heartbeatKey(groupId, newMemberId), request.sessionTimeoutMs, () => this.expireClassicGroupMemberHeartbeat(groupId, newMemberId));
      respond(join({ memberId: newMemberId, errorCode: ErrorCode.MEMBER_ID_REQUIRED }));
      return EMPTY_RESULT;
    }
    return this.addMemberThenRebalanceOrCompleteJoin(context, request, group, newMemberId, respond);
  }

  private joinExistingMember(context: GroupRequestContext, request: JoinGroupParams, group: ClassicGroup, respond: JoinCallback): Result<void> {
    const { memberId, groupInstanceId } = request;
    if (group.isInState('Dead')) {
      respond(join({ memberId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
    } else if (!group.supportsProtocols(request.protocolType, request.protocols)) {
      respond(join({ memberId, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL }));
    } else if (group.isPendingMember(memberId)) {
      if (groupInstanceId !== null) throw new Error(`Received unexpected JoinGroup with groupInstanceId=${groupInstanceId} for pending member with memberId=${memberId}`);
      return this.addMemberThenRebalanceOrCompleteJoin(context, request, group, memberId, respond);
    } else {
      try {
        group.validateMember(memberId, groupInstanceId);
      } catch (err) {
        respond(join({ memberId, errorCode: (err as KafkaError).code }));
        return EMPTY_RESULT;
      }
      const member = group.member(memberId)!;
      const reason = request.reason ?? 'not provided';
      if (group.isInState('PreparingRebalance')) {
        return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, `Member ${memberId} is joining group during ${group.state}; client reason: ${reason}`, respond);
      } else if (group.isInState('CompletingRebalance')) {
        if (member.matches(request.protocols)) {
          // The member lost the JoinGroup response: send it again.
          respond(join({
            members: group.isLeader(memberId) ? group.currentMembersForJoin() : [],
            memberId,
            generationId: group.generationId,
            protocolName: group.protocolName,
            protocolType: group.protocolType,
            leader: group.leaderId ?? '',
            skipAssignment: false,
          }));
        } else {
          return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, `Updating metadata for member ${memberId} during ${group.state}; client reason: ${reason}`, respond);
        }
      } else if (group.isInState('Stable')) {
        if (group.isLeader(memberId)) {
          // A leader's JoinGroup always rebalances (e.g. topic metadata changed for the consumer).
          return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, `Leader ${memberId} re-joining group during ${group.state}; client reason: ${reason}`, respond);
        } else if (!member.matches(request.protocols)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(request, group, member, `Updating metadata for member ${memberId} during ${group.state}; client reason: ${reason}`, respond);
        } else {
          respond(join({
            members: [],
            memberId,
            generationId: group.generationId,
            protocolName: group.protocolName,
            protocolType: group.protocolType,
            leader: group.leaderId ?? '',
            skipAssignment: false,
          }));
        }
      } else {
        this.log.warn({ groupId: group.groupId, memberId, state: group.state }, 'attempt to add rejoining member in unexpected group state');
        respond(join({ memberId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
      }
    }
    return EMPTY_RESULT;
  }

  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.hasMember(memberId) && group.member(memberId)!.isAwaitingJoin) || group.numAwaitingJoinResponse < this.config.classicGroupMaxSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.hasMember(memberId) || group.numMembers < this.config.classicGroupMaxSize;
    }
  }

  private updateMemberThenRebalanceOrCompleteJoin(request: JoinGroupParams, group: ClassicGroup, member: ClassicGroupMember, reason: string, respond: JoinCallback): Result<void> {
    group.updateMember(member, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    return this.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  private addMemberThenRebalanceOrCompleteJoin(context: GroupRequestContext, request: JoinGroupParams, group: ClassicGroup, memberId: string, respond: JoinCallback): Result<void> {
    const member = new ClassicGroupMember(
      memberId,
      request.groupInstanceId,
      context.clientId,
      context.clientHost,
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocolType,
      request.protocols,
    );
    member.isNew = true;
    // A member joining the initial rebalance extends its delay.
    if (group.isInState('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, respond);
    // New members cannot heartbeat while their JoinGroup is parked: time the JoinGroup out instead.
    this.rescheduleClassicGroupMemberHeartbeat(group, member, this.config.classicGroupNewMemberJoinTimeoutMs);
    return this.maybePrepareRebalanceOrCompleteJoin(group, `Adding new member ${memberId} with group instance id ${request.groupInstanceId}; client reason: ${request.reason ?? 'not provided'}`);
  }

  private updateStaticMemberThenRebalanceOrCompleteJoin(
    context: GroupRequestContext,
    request: JoinGroupParams,
    group: ClassicGroup,
    oldMemberId: string,
    newMemberId: string,
    respond: JoinCallback,
  ): Result<void> {
    const groupInstanceId = request.groupInstanceId!;
    const currentLeader = group.leaderId;
    const newMember = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
    // The old member id's session timer finds no member and does nothing.
    this.rescheduleClassicGroupMemberHeartbeat(group, newMember);
    const oldRebalanceTimeoutMs = newMember.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = newMember.sessionTimeoutMs;
    const oldProtocols = newMember.supportedProtocols;
    group.updateMember(newMember, request.protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);

    if (group.isInState('Stable')) {
      // The same protocol for the next generation: persist the new member id, no rebalance (KIP-345).
      if ((group.protocolName ?? '') === group.selectProtocol()) {
        const assignment = group.groupAssignment();
        return {
          records: [groupMetadataRecord(group, assignment)],
          response: undefined,
          replayRecords: false,
          onComplete: (error) => {
            if (error) {
              this.log.warn({ groupId: group.groupId, groupInstanceId, error: error.info.name }, 'failed to persist static member; reverting to the old member id');
              group.updateMember(newMember, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, null);
              const oldMember = group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
              this.rescheduleClassicGroupMemberHeartbeat(group, oldMember);
              respond(join({
                memberId: UNKNOWN_MEMBER_ID,
                generationId: group.generationId,
                protocolName: group.protocolName,
                protocolType: group.protocolType,
                leader: currentLeader ?? '',
                skipAssignment: false,
                errorCode: appendErrorToResponseError(error.code),
              }));
            } else if (context.apiVersion >= MIN_VERSION_SUPPORTING_SKIP_ASSIGNMENT) {
              const isLeader = group.isLeader(newMemberId);
              group.completeJoin(newMember, join({
                members: isLeader ? group.currentMembersForJoin() : [],
                memberId: newMemberId,
                generationId: group.generationId,
                protocolName: group.protocolName,
                protocolType: group.protocolType,
                leader: group.leaderId ?? '',
                skipAssignment: isLeader,
              }));
            } else {
              // Older clients are told the old leader id, so a returning leader syncs as a follower and gets its assignment back.
              group.completeJoin(newMember, join({
                memberId: newMemberId,
                generationId: group.generationId,
                protocolName: group.protocolName,
                protocolType: group.protocolType,
                leader: currentLeader ?? '',
                skipAssignment: false,
              }));
            }
          },
        };
      }
      return this.maybePrepareRebalanceOrCompleteJoin(group, `Group's selectedProtocol will change because static member ${newMember.memberId} with instance id ${groupInstanceId} joined with change of protocol`);
    } else if (group.isInState('CompletingRebalance')) {
      // The leader may already have assigned the old member id: rebalance so the new id gets an assignment.
      return this.prepareRebalance(group, `Updating metadata for static member ${newMember.memberId} with instance id ${groupInstanceId}`);
    } else if (group.isInState('Empty') || group.isInState('Dead')) {
      throw new Error(`Group ${group.groupId} was not supposed to be in the state ${group.state} when the unknown static member ${groupInstanceId} rejoins.`);
    }
    return this.maybeCompleteJoinPhase(group);
  }

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): Result<void> {
    if (group.canRebalance()) return this.prepareRebalance(group, reason);
    return this.maybeCompleteJoinPhase(group);
  }

  /** Moves the group to PreparingRebalance; the initial rebalance of an empty group waits group.initial.rebalance.delay.ms. */
  prepareRebalance(group: ClassicGroup, reason: string): Result<void> {
    if (group.isInState('CompletingRebalance')) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const isInitialRebalance = group.isInState('Empty');
    if (isInitialRebalance) {
      const delayMs = this.config.classicGroupInitialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      const groupId = group.groupId;
      this.timer.schedule(GroupMetadataManager.joinKey(groupId), delayMs, () => this.tryCompleteInitialRebalanceElseSchedule(groupId, delayMs, remainingMs));
    }
    group.transitionTo('PreparingRebalance');
    this.log.info({ groupId: group.groupId, generationId: group.generationId, reason }, 'preparing to rebalance group');
    return isInitialRebalance ? EMPTY_RESULT : this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): Result<void> {
    if (group.hasAllMembersJoined()) return this.completeClassicGroupJoin(group);
    const groupId = group.groupId;
    this.timer.schedule(GroupMetadataManager.joinKey(groupId), group.rebalanceTimeoutMs(), () => this.completeClassicGroupJoinById(groupId));
    return EMPTY_RESULT;
  }

  private tryCompleteInitialRebalanceElseSchedule(groupId: string, delayMs: number, remainingMs: number): Result<void> {
    const group = this.groups.get(groupId);
    if (!group) return EMPTY_RESULT;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const newDelayMs = Math.min(this.config.classicGroupInitialRebalanceDelayMs, remainingMs);
      const newRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.timer.schedule(GroupMetadataManager.joinKey(groupId), newDelayMs, () => this.tryCompleteInitialRebalanceElseSchedule(groupId, newDelayMs, newRemainingMs));
      return EMPTY_RESULT;
    }
    return this.completeClassicGroupJoin(group);
  }

  private maybeCompleteJoinPhase(group: ClassicGroup): Result<void> {
    if (!group.isInState('PreparingRebalance')) return EMPTY_RESULT;
    // The initial rebalance completes on its timer only.
    if (group.previousState === 'Empty') return EMPTY_RESULT;
    if (!group.hasAllMembersJoined()) return EMPTY_RESULT;
    return this.completeClassicGroupJoin(group);
  }

  private completeClassicGroupJoinById(groupId: string): Result<void> {
    const group = this.groups.get(groupId);
    if (!group) return EMPTY_RESULT;
    return this.completeClassicGroupJoin(group);
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are removed, the generation moves on
   * and the members get their JoinGroup responses (the leader with everyone's metadata).
   */
  private completeClassicGroupJoin(group: ClassicGroup): Result<void> {
    const groupId = group.groupId;
    this.timer.cancel(GroupMetadataManager.joinKey(groupId));
    const notRejoined = group.notYetRejoinedMembers().filter((m) => !m.isStaticMember);
    for (const m of notRejoined) {
      group.remove(m.memberId);
      this.timer.cancel(GroupMetadataManager.heartbeatKey(groupId, m.memberId));
    }
    if (notRejoined.length > 0) this.log.info({ groupId, members: notRejoined.map((m) => m.memberId) }, "removed dynamic members who haven't joined");

    if (group.isInState('Dead')) return EMPTY_RESULT;
    if (!group.maybeElectNewJoinedLeader() && group.numMembers > 0) {
      // Nobody rejoined: wait another rebalance timeout while session timeouts remove the silent members.
      this.log.error({ groupId }, 'group could not complete rebalance because no members rejoined');
      this.timer.schedule(GroupMetadataManager.joinKey(groupId), group.rebalanceTimeoutMs(), () => this.completeClassicGroupJoinById(groupId));
      return EMPTY_RESULT;
    }
    group.initNextGeneration();
    if (group.isInState('Empty')) {
      this.log.info({ groupId, generationId: group.generationId }, 'group is now empty');
      return {
        records: [groupMetadataRecord(group, new Map())],
        response: undefined,
        replayRecords: false,
        onComplete: (error) => {
          if (error) this.log.warn({ groupId, error: error.info.name }, 'failed to write empty metadata for group');
        },
      };
    }
    this.log.info({ groupId, generationId: group.generationId, members: group.numMembers }, 'stabilized group');
    for (const member of group.allMembers()) {
      group.completeJoin(member, join({
        members: group.isLeader(member.memberId) ? group.currentMembersForJoin() : [],
        memberId: member.memberId,
        generationId: group.generationId,
        protocolName: group.protocolName,
        protocolType: group.protocolType,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        errorCode: ErrorCode.NONE,
      }));
      this.rescheduleClassicGroupMemberHeartbeat(group, member);
      member.isNew = false;
      group.addPendingSyncMember(member.memberId);
    }
    this.schedulePendingSync(group);
    return EMPTY_RESULT;
  }

  private schedulePendingSync(group: ClassicGroup): void {
    const groupId = group.groupId;
    const generationId = group.generationId;
    this.timer.schedule(GroupMetadataManager.syncKey(groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(groupId, generationId));
  }

  private expireClassicGroupMemberHeartbeat(groupId: string, memberId: string): Result<void> {
    const group = this.groups.get(groupId);
    if (!group || group.isInState('Dead')) return EMPTY_RESULT;
    if (group.isPendingMember(memberId)) {
      this.log.info({ groupId, memberId }, 'pending member removed after session timeout expiration');
      group.remove(memberId);
      if (group.isInState('PreparingRebalance') && group.hasAllMembersJoined()) return this.completeClassicGroupJoin(group);
      return EMPTY_RESULT;
    }
    const member = group.member(memberId);
    if (!member) return EMPTY_RESULT;
    if (!member.hasSatisfiedHeartbeat()) {
      this.log.info({ groupId, memberId }, 'member has failed (session timeout), removing it from the group');
      return this.removeMemberAndUpdateClassicGroup(group, member, `removing member ${memberId} on heartbeat expiration.`);
    }
    return EMPTY_RESULT;
  }

  private removeMemberAndUpdateClassicGroup(group: ClassicGroup, member: ClassicGroupMember, reason: string): Result<void> {
    // A new member may time out while its JoinGroup is parked: answer it so it can retry.
    group.completeJoin(member, join({ memberId: UNKNOWN_MEMBER_ID, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
    group.remove(member.memberId);
    if (group.isInState('Stable') || group.isInState('CompletingRebalance')) return this.maybePrepareRebalanceOrCompleteJoin(group, reason);
    if (group.isInState('PreparingRebalance') && group.hasAllMembersJoined()) return this.completeClassicGroupJoin(group);
    return EMPTY_RESULT;
  }

  rescheduleClassicGroupMemberHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    const groupId = group.groupId;
    const memberId = member.memberId;
    this.timer.schedule(GroupMetadataManager.heartbeatKey(groupId, memberId), timeoutMs, () => this.expireClassicGroupMemberHeartbeat(groupId, memberId));
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    this.timer.cancel(GroupMetadataManager.syncKey(group.groupId));
  }

  private expirePendingSync(groupId: string, generationId: number): Result<void> {
    const group = this.groups.get(groupId);
    if (!group || generationId !== group.generationId) return EMPTY_RESULT;
    if ((group.isInState('CompletingRebalance') || group.isInState('Stable')) && !group.hasReceivedSyncFromAllMembers()) {
      const pending = group.allPendingSyncMembers();
      for (const memberId of pending) {
        group.remove(memberId);
        this.timer.cancel(GroupMetadataManager.heartbeatKey(groupId, memberId));
      }
      this.log.info({ groupId, members: pending }, "removed members who haven't sent their sync requests");
      return this.prepareRebalance(group, `Removing ${pending.join(', ')} on pending sync request expiration`);
    }
    return EMPTY_RESULT;
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    if (!group.isInState('CompletingRebalance')) throw new Error(`Group ${group.groupId} must be in CompletingRebalance state but is in ${group.state}.`);
    for (const m of group.allMembers()) m.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, errorCode);
  }

  private setAndPropagateAssignment(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): void {
    if (!group.isInState('CompletingRebalance')) throw new Error('The group must be in CompletingRebalance state to set and propagate assignment.');
    for (const m of group.allMembers()) m.assignment = assignment.get(m.memberId) ?? EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, ErrorCode.NONE);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.allMembers()) {
      const answered = group.completeSync(m, sync({
        protocolName: ok ? group.protocolName : null,
        protocolType: ok ? group.protocolType : null,
        assignment: m.assignment,
        errorCode,
      }));
      // The session restarts once the member has its assignment.
      if (answered) this.rescheduleClassicGroupMemberHeartbeat(group, m);
    }
  }

  // ---- SyncGroup

  classicGroupSync(_context: GroupRequestContext, request: SyncGroupParams, respond: SyncCallback): Result<void> {
    const group = this.groups.get(request.groupId);
    if (!group || group.isEmpty) {
      respond(sync({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
      return EMPTY_RESULT;
    }
    const { memberId } = request;
    const error = this.validateSyncGroup(group, request);
    if (error !== null) {
      respond(sync({ errorCode: error }));
    } else if (group.isInState('PreparingRebalance')) {
      respond(sync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS }));
    } else if (group.isInState('CompletingRebalance')) {
      group.member(memberId)!.awaitingSync = respond;
      this.removePendingSyncMember(group, memberId);
      if (group.isLeader(memberId)) {
        this.log.info({ groupId: group.groupId, leader: memberId, generationId: group.generationId, members: group.numMembers }, 'assignment received from leader');
        const assignment = new Map<string, Buffer>();
        for (const a of request.assignments) assignment.set(a.memberId, a.assignment);
        for (const m of group.allMembers()) if (!assignment.has(m.memberId)) assignment.set(m.memberId, EMPTY_ASSIGNMENT);
        const generationId = request.generationId;
        return {
          records: [groupMetadataRecord(group, assignment)],
          response: undefined,
          replayRecords: false,
          onComplete: (err) => {
            // Another member may have joined meanwhile: only the same generation, still completing, moves on.
            if (!group.isInState('CompletingRebalance') || generationId !== group.generationId) return;
            if (err) {
              const code = appendErrorToResponseError(err.code);
              this.resetAndPropagateAssignmentWithError(group, code);
              this.maybePrepareRebalanceOrCompleteJoin(group, `Error ${err.info.name} when storing group assignment during SyncGroup (member: ${memberId}).`);
            } else {
              this.setAndPropagateAssignment(group, assignment);
              group.transitionTo('Stable');
            }
          },
        };
      }
    } else if (group.isInState('Stable')) {
      this.removePendingSyncMember(group, memberId);
      const member = group.member(memberId)!;
      respond(sync({ protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment, errorCode: ErrorCode.NONE }));
    } else if (group.isInState('Dead')) {
      throw new Error(`Reached unexpected condition for Dead group ${group.groupId}`);
    }
    return EMPTY_RESULT;
  }

  private validateSyncGroup(group: ClassicGroup, request: SyncGroupParams): number | null {
    if (group.isInState('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      group.validateMember(request.memberId, request.groupInstanceId);
    } catch (err) {
      return (err as KafkaError).code;
    }
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const inconsistent = (req: string | null, actual: string | null) => req !== null && actual !== null && req !== actual;
    if (inconsistent(request.protocolType, group.protocolType) || inconsistent(request.protocolName, group.protocolName)) return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    return null;
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    const key = GroupMetadataManager.syncKey(group.groupId);
    if (group.isInState('CompletingRebalance') || group.isInState('Stable')) {
      if (group.hasReceivedSyncFromAllMembers()) this.timer.cancel(key);
    } else {
      this.timer.cancel(key);
    }
  }

  // ---- Heartbeat

  classicGroupHeartbeat(_context: GroupRequestContext, request: HeartbeatParams): Result<HeartbeatResponse> {
    const group = this.groups.get(request.groupId);
    if (!group) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${request.groupId} not found.`);
    if (group.isInState('Dead')) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    group.validateMember(request.memberId, request.groupInstanceId);
    if (request.generationId !== group.generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'Empty':
        return { records: [], response: heartbeat(ErrorCode.UNKNOWN_MEMBER_ID) };
      case 'PreparingRebalance':
        this.rescheduleClassicGroupMemberHeartbeat(group, group.member(request.memberId)!);
        return { records: [], response: heartbeat(ErrorCode.REBALANCE_IN_PROGRESS) };
      case 'CompletingRebalance':
      case 'Stable':
        // Members may heartbeat between their JoinGroup response and SyncGroup.
        this.rescheduleClassicGroupMemberHeartbeat(group, group.member(request.memberId)!);
        return { records: [], response: heartbeat(ErrorCode.NONE) };
      default:
        throw new Error(`Reached unexpected state ${group.state} for group ${group.groupId}`);
    }
  }

  // ---- LeaveGroup

  classicGroupLeave(_context: GroupRequestContext, request: LeaveGroupParams): Result<LeaveGroupResponse> {
    const group = this.groups.get(request.groupId);
    if (!group) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Group ${request.groupId} not found.`);
    if (group.isInState('Dead')) return { records: [], response: { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] } };

    const responses: LeaveGroupResponseMemberResponse[] = [];
    const ok = (m: { memberId: string; groupInstanceId: string | null }, errorCode: number = ErrorCode.NONE) => responses.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    for (const m of request.members) {
      const reason = m.reason ?? 'not provided';
      if (m.memberId === UNKNOWN_MEMBER_ID) {
        // Administrative removal by group instance id.
        const staticId = m.groupInstanceId !== null ? group.staticMemberId(m.groupInstanceId) : undefined;
        if (staticId !== undefined) {
          this.removeCurrentMemberFromClassicGroup(group, staticId, reason);
          ok(m);
        } else {
          ok(m, ErrorCode.UNKNOWN_MEMBER_ID);
        }
      } else if (group.isPendingMember(m.memberId)) {
        group.remove(m.memberId);
        this.timer.cancel(GroupMetadataManager.heartbeatKey(group.groupId, m.memberId));
        this.log.info({ groupId: group.groupId, memberId: m.memberId, reason }, 'pending member has left group through explicit LeaveGroup request');
        ok(m);
      } else {
        try {
          group.validateMember(m.memberId, m.groupInstanceId);
          this.removeCurrentMemberFromClassicGroup(group, m.memberId, reason);
          ok(m);
        } catch (err) {
          ok(m, (err as KafkaError).code);
        }
      }
    }

    const left = responses.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.memberId);
    let result: Result<void> = EMPTY_RESULT;
    if (left.length > 0) {
      const reason = `explicit \`LeaveGroup\` request for (${left.join(', ')}) members.`;
      if (group.isInState('Stable') || group.isInState('CompletingRebalance')) result = this.maybePrepareRebalanceOrCompleteJoin(group, reason);
      else if (group.isInState('PreparingRebalance')) result = this.maybeCompleteJoinPhase(group);
    }
    return {
      records: result.records,
      response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members: responses },
      replayRecords: result.replayRecords,
      onComplete: result.onComplete,
    };
  }

  private removeCurrentMemberFromClassicGroup(group: ClassicGroup, memberId: string, reason: string): void {
    const member = group.member(memberId)!;
    this.timer.cancel(GroupMetadataManager.heartbeatKey(group.groupId, memberId));
    this.log.info({ groupId: group.groupId, memberId, reason }, 'member has left group through explicit LeaveGroup request');
    group.completeJoin(member, join({ memberId: UNKNOWN_MEMBER_ID, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
    group.remove(memberId);
  }

  // ---- admin

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListGroupsResponseListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase().trim()));
    const types = new Set(typesFilter.map((t) => t.toLowerCase().trim()));
    const out: ListGroupsResponseListedGroup[] = [];
    for (const g of this.groups.values()) {
      if (states.size > 0 && !states.has(g.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      out.push({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state, groupType: 'classic' });
    }
    return out;
  }

  describeGroups(groupIds: readonly string[]): DescribeGroupsResponseDescribedGroup[] {
    return groupIds.map((groupId) => {
      const g = this.groups.get(groupId);
      const base: DescribeGroupsResponseDescribedGroup = {
        errorCode: ErrorCode.NONE,
        groupId,
        groupState: 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: -2147483648,
      };
      if (!g) return base;
      const stable = g.isInState('Stable');
      return {
        ...base,
        groupState: g.state,
        protocolType: g.protocolType ?? '',
        protocolData: stable ? (g.protocolName ?? '') : '',
        members: g.allMembers().map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable ? m.metadata(g.protocolName) : EMPTY_ASSIGNMENT,
          memberAssignment: m.assignment,
        })),
      };
    });
  }

  /** Throws GROUP_ID_NOT_FOUND or NON_EMPTY_GROUP unless the group can be deleted. */
  validateDeleteGroup(groupId: string): void {
    const g = this.group(groupId);
    switch (g.state) {
      case 'Dead':
        throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is in dead state.`);
      case 'Stable':
      case 'PreparingRebalance':
      case 'CompletingRebalance':
        throw new KafkaError(ErrorCode.NON_EMPTY_GROUP);
      default:
    }
  }

  createGroupTombstoneRecordsAndCancelTimers(groupId: string, records: CoordinatorRecord[]): void {
    records.push(groupMetadataTombstone(groupId));
    this.timer.cancel(GroupMetadataManager.joinKey(groupId));
    this.timer.cancel(GroupMetadataManager.syncKey(groupId));
  }

  /** Deletes an Empty group whose offsets are all gone (offset expiration). */
  maybeDeleteGroup(groupId: string, records: CoordinatorRecord[]): void {
    const g = this.groups.get(groupId);
    if (g && g.isEmpty) this.createGroupTombstoneRecordsAndCancelTimers(groupId, records);
  }

  // ---- replay and loading

  replayGroupMetadata(groupId: string, value: GroupMetadataValue | null): void {
    if (value === null) {
      this.removeGroup(groupId);
      return;
    }
    const protocolType = value.protocolType === '' ? null : value.protocolType;
    const group = new ClassicGroup(groupId, value.members.length === 0 ? 'Empty' : 'Stable', this.shard.now, {
      generationId: value.generation,
      protocolType,
      protocolName: value.protocol,
      leaderId: value.leader,
      currentStateTimestamp: value.currentStateTimestamp === -1n ? null : Number(value.currentStateTimestamp),
    });
    for (const m of value.members) {
      group.add(new ClassicGroupMember(
        m.memberId,
        m.groupInstanceId,
        m.clientId,
        m.clientHost,
        m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
        m.sessionTimeout,
        value.protocolType,
        [{ name: value.protocol ?? '', metadata: Buffer.from(m.subscription) }],
        Buffer.from(m.assignment),
      ));
    }
    group.subscribedTopics = group.computeSubscribedTopics();
    this.groups.set(groupId, group);
  }

  private removeGroup(groupId: string): void {
    const g = this.groups.get(groupId);
    if (!g) return;
    this.groups.delete(groupId);
    if (!g.isInState('Dead')) g.transitionTo('Dead');
  }

  /** After a load: every member's session timer starts again. */
  onLoaded(): void {
    for (const group of this.groups.values()) {
      for (const m of group.allMembers()) this.rescheduleClassicGroupMemberHeartbeat(group, m);
      if (group.numMembers > this.config.classicGroupMaxSize) {
        this.prepareRebalance(group, `Freshly-loaded group ${group.groupId} (size ${group.numMembers}) is over capacity ${this.config.classicGroupMaxSize}. Rebalancing in order to give a chance for consumers to commit offsets`);
      }
    }
  }

  /** The partition is leaving this broker: parked requests learn NOT_COORDINATOR. */
  onUnloaded(): void {
    for (const group of this.groups.values()) {
      group.transitionTo('Dead');
      const previous = group.previousState;
      if (previous === 'PreparingRebalance') {
        for (const m of group.allMembers()) group.completeJoin(m, join({ memberId: m.memberId, errorCode: ErrorCode.NOT_COORDINATOR }));
      } else if (previous === 'CompletingRebalance' || previous === 'Stable') {
        for (const m of group.allMembers()) group.completeSync(m, sync({ errorCode: ErrorCode.NOT_COORDINATOR }));
      }
    }
  }
}
