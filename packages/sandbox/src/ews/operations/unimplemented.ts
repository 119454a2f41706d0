// Every other operation of the EWS schema (services.wsdl), answered as Exchange answers an
// operation it cannot carry out for this mailbox: ErrorInvalidOperation, in the operation's own
// response shape where the schema lets an error stand alone, else as a SOAP fault. Never an
// unknown-operation or server-version fault, which clients read as "wrong server version".

import { EwsError, EwsFault } from '../errors.ts';
import { errorMessage, operationResponse } from '../responses.ts';
import { esc } from '../xml/write.ts';
import type { Operation } from './context.ts';

interface Unimplemented {
  /** The operation's name (the WSDL operation), which may differ from its request element. */
  operation: string;
  /** Response element; absent when the schema needs content an error cannot give (a fault then). */
  response?: string;
  /** Response message element inside ResponseMessages; absent for single-message responses. */
  message?: string;
  /** Empty elements the schema requires in the message even on error. */
  required?: string;
}

/** By request element name. Generated from services.wsdl and messages.xsd. */
export const UNIMPLEMENTED: Record<string, Unimplemented> = {
  AddDelegate: { operation: 'AddDelegate', response: 'AddDelegateResponse' },
  AddDistributionGroupToImList: {
    operation: 'AddDistributionGroupToImList',
    response: 'AddDistributionGroupToImListResponse',
  },
  AddImContactToGroup: { operation: 'AddImContactToGroup', response: 'AddImContactToGroupResponse' },
  AddImGroup: { operation: 'AddImGroup', response: 'AddImGroupResponse' },
  AddNewImContactToGroup: { operation: 'AddNewImContactToGroup', response: 'AddNewImContactToGroupResponse' },
  AddNewTelUriContactToGroup: {
    operation: 'AddNewTelUriContactToGroup',
    response: 'AddNewTelUriContactToGroupResponse',
  },
  AddTag: { operation: 'AddTag', response: 'AddTagResponse' },
  ApplyConversationAction: {
    operation: 'ApplyConversationAction',
    response: 'ApplyConversationActionResponse',
    message: 'ApplyConversationActionResponseMessage',
  },
  ArchiveItem: {
    operation: 'ArchiveItem',
    response: 'ArchiveItemResponse',
    message: 'ArchiveItemResponseMessage',
    required: '<m:Items/>',
  },
  CreateFolderPath: {
    operation: 'CreateFolderPath',
    response: 'CreateFolderPathResponse',
    message: 'CreateFolderPathResponseMessage',
  },
  CreateManagedFolder: {
    operation: 'CreateManagedFolder',
    response: 'CreateManagedFolderResponse',
    message: 'CreateManagedFolderResponseMessage',
  },
  CreateMeetingInstanceRequest: { operation: 'CreateMeetingInstance' },
  CreateMeetingSpace: { operation: 'CreateMeetingSpace' },
  CreateUserConfiguration: {
    operation: 'CreateUserConfiguration',
    response: 'CreateUserConfigurationResponse',
    message: 'CreateUserConfigurationResponseMessage',
  },
  DeleteMeetingInstanceRequest: {
    operation: 'DeleteMeetingInstance',
    response: 'DeleteMeetingInstanceResponse',
  },
  DeleteMeetingSpace: { operation: 'DeleteMeetingSpace', response: 'DeleteMeetingSpaceResponseMessage' },
  DeleteSearchSuggestion: { operation: 'DeleteSearchSuggestion' },
  DeleteUserConfiguration: {
    operation: 'DeleteUserConfiguration',
    response: 'DeleteUserConfigurationResponse',
    message: 'DeleteUserConfigurationResponseMessage',
  },
  DisableApp: { operation: 'DisableApp', response: 'DisableAppResponse' },
  DisconnectPhoneCall: { operation: 'DisconnectPhoneCall', response: 'DisconnectPhoneCallResponse' },
  EndSearchSession: { operation: 'EndSearchSession', response: 'EndSearchSessionResponse' },
  ExecuteSearch: { operation: 'ExecuteSearch' },
  ExpandDL: { operation: 'ExpandDL', response: 'ExpandDLResponse', message: 'ExpandDLResponseMessage' },
  ExportItems: {
    operation: 'ExportItems',
    response: 'ExportItemsResponse',
    message: 'ExportItemsResponseMessage',
  },
  FindAvailableMeetingTimes: { operation: 'FindAvailableMeetingTimes' },
  FindConversation: { operation: 'FindConversation', response: 'FindConversationResponse' },
  FindMeetingSpaceByJoinUrl: {
    operation: 'FindMeetingSpaceByJoinUrl',
    response: 'FindMeetingSpaceByJoinUrlResponseMessage',
  },
  FindMeetingTimeCandidates: { operation: 'FindMeetingTimeCandidates' },
  FindMessageTrackingReport: {
    operation: 'FindMessageTrackingReport',
    response: 'FindMessageTrackingReportResponse',
  },
  FindPeople: { operation: 'FindPeople', response: 'FindPeopleResponse' },
  FindTags: { operation: 'FindTags', response: 'FindTagsResponse' },
  GetAppManifests: { operation: 'GetAppManifests' },
  GetAppMarketplaceUrl: { operation: 'GetAppMarketplaceUrl', response: 'GetAppMarketplaceUrlResponse' },
  GetClientAccessToken: {
    operation: 'GetClientAccessToken',
    response: 'GetClientAccessTokenResponse',
    message: 'GetClientAccessTokenResponseMessage',
  },
  GetConversationItems: {
    operation: 'GetConversationItems',
    response: 'GetConversationItemsResponse',
    message: 'GetConversationItemsResponseMessage',
  },
  GetDelegate: { operation: 'GetDelegate', response: 'GetDelegateResponse' },
  GetDiscoverySearchConfiguration: { operation: 'GetDiscoverySearchConfiguration' },
  GetHoldOnMailboxes: { operation: 'GetHoldOnMailboxes', response: 'GetHoldOnMailboxesResponse' },
  GetImItemList: { operation: 'GetImItemList', response: 'GetImItemListResponse' },
  GetImItems: { operation: 'GetImItems', response: 'GetImItemsResponse' },
  GetInboxRules: { operation: 'GetInboxRules', response: 'GetInboxRulesResponse' },
  GetLastPrivateCatalogUpdate: { operation: 'GetLastPrivateCatalogUpdate' },
  GetMailTips: { operation: 'GetMailTips', response: 'GetMailTipsResponse' },
  GetMeetingInstanceRequest: { operation: 'GetMeetingInstance' },
  GetMeetingSpace: { operation: 'GetMeetingSpace' },
  GetMessageTrackingReport: {
    operation: 'GetMessageTrackingReport',
    response: 'GetMessageTrackingReportResponse',
  },
  GetNonIndexableItemDetails: {
    operation: 'GetNonIndexableItemDetails',
    response: 'GetNonIndexableItemDetailsResponse',
  },
  GetNonIndexableItemStatistics: {
    operation: 'GetNonIndexableItemStatistics',
    response: 'GetNonIndexableItemStatisticsResponse',
  },
  GetPasswordExpirationDate: { operation: 'GetPasswordExpirationDate' },
  GetPersona: { operation: 'GetPersona' },
  GetPhoneCallInformation: {
    operation: 'GetPhoneCallInformation',
    response: 'GetPhoneCallInformationResponse',
  },
  GetPrivateCatalogAddIns: {
    operation: 'GetPrivateCatalogAddIns',
    response: 'GetPrivateCatalogAddInsResponse',
  },
  GetRoomLists: { operation: 'GetRoomLists', response: 'GetRoomListsResponse' },
  GetRooms: { operation: 'GetRooms', response: 'GetRoomsResponse' },
  GetSearchSuggestions: { operation: 'GetSearchSuggestions' },
  GetSearchableMailboxes: { operation: 'GetSearchableMailboxes' },
  GetServiceConfiguration: {
    operation: 'GetServiceConfiguration',
    response: 'GetServiceConfigurationResponse',
  },
  GetSharingFolder: { operation: 'GetSharingFolder' },
  GetSharingMetadata: { operation: 'GetSharingMetadata' },
  GetSpecificUserConfiguration: {
    operation: 'GetSpecificUserConfiguration',
    response: 'GetSpecificUserConfigurationResponse',
    message: 'GetSpecificUserConfigurationResponseMessage',
  },
  GetUserConfiguration: {
    operation: 'GetUserConfiguration',
    response: 'GetUserConfigurationResponse',
    message: 'GetUserConfigurationResponseMessage',
  },
  GetUserOofSettingsRequest: { operation: 'GetUserOofSettings' },
  GetUserPhoto: { operation: 'GetUserPhoto' },
  GetUserRetentionPolicyTags: { operation: 'GetUserRetentionPolicyTags' },
  HideTag: { operation: 'HideTag', response: 'HideTagResponse' },
  InstallApp: { operation: 'InstallApp', response: 'InstallAppResponse' },
  MarkAllItemsAsRead: {
    operation: 'MarkAllItemsAsRead',
    response: 'MarkAllItemsAsReadResponse',
    message: 'MarkAllItemsAsReadResponseMessage',
  },
  PlayOnPhone: { operation: 'PlayOnPhone', response: 'PlayOnPhoneResponse' },
  RefreshSharingFolder: { operation: 'RefreshSharingFolder', response: 'RefreshSharingFolderResponse' },
  RemoveContactFromImList: {
    operation: 'RemoveContactFromImList',
    response: 'RemoveContactFromImListResponse',
  },
  RemoveDelegate: { operation: 'RemoveDelegate', response: 'RemoveDelegateResponse' },
  RemoveDistributionGroupFromImList: {
    operation: 'RemoveDistributionGroupFromImList',
    response: 'RemoveDistributionGroupFromImListResponse',
  },
  RemoveImContactFromGroup: {
    operation: 'RemoveImContactFromGroup',
    response: 'RemoveImContactFromGroupResponse',
  },
  RemoveImGroup: { operation: 'RemoveImGroup', response: 'RemoveImGroupResponse' },
  ReportMessage: {
    operation: 'ReportMessage',
    response: 'ReportMessageResponse',
    message: 'ReportMessageResponseMessage',
  },
  SearchMailboxes: {
    operation: 'SearchMailboxes',
    response: 'SearchMailboxesResponse',
    message: 'SearchMailboxesResponseMessage',
  },
  SetHoldOnMailboxes: { operation: 'SetHoldOnMailboxes', response: 'SetHoldOnMailboxesResponse' },
  SetImGroup: { operation: 'SetImGroup', response: 'SetImGroupResponse' },
  SetImListMigrationCompleted: {
    operation: 'SetImListMigrationCompleted',
    response: 'SetImListMigrationCompletedResponse',
  },
  SetTeamMailbox: { operation: 'SetTeamMailbox', response: 'SetTeamMailboxResponse' },
  SetUserOofSettingsRequest: { operation: 'SetUserOofSettings' },
  SetUserPhoto: { operation: 'SetUserPhoto' },
  StartSearchSession: { operation: 'StartSearchSession', response: 'StartSearchSessionResponse' },
  UninstallApp: { operation: 'UninstallApp', response: 'UninstallAppResponse' },
  UnpinTeamMailbox: { operation: 'UnpinTeamMailbox', response: 'UnpinTeamMailboxResponse' },
  UpdateDelegate: { operation: 'UpdateDelegate', response: 'UpdateDelegateResponse' },
  UpdateExtensionUsage: { operation: 'UpdateExtensionUsage', response: 'UpdateExtensionUsageResponse' },
  UpdateInboxRules: { operation: 'UpdateInboxRules', response: 'UpdateInboxRulesResponse' },
  UpdateItemInRecoverableItems: {
    operation: 'UpdateItemInRecoverableItems',
    response: 'UpdateItemInRecoverableItemsResponse',
    message: 'UpdateItemInRecoverableItemsResponseMessage',
    required: '<m:Items/>',
  },
  UpdateMeetingInstanceRequest: { operation: 'UpdateMeetingInstance' },
  UpdateMeetingSpace: { operation: 'UpdateMeetingSpace' },
  UpdateUserConfiguration: {
    operation: 'UpdateUserConfiguration',
    response: 'UpdateUserConfigurationResponse',
    message: 'UpdateUserConfigurationResponseMessage',
  },
  UploadItems: {
    operation: 'UploadItems',
    response: 'UploadItemsResponse',
    message: 'UploadItemsResponseMessage',
  },
};

function notImplemented(operation: string): string {
  return `The Exsync sandbox does not carry out ${operation}; see docs/sandbox-ews.md for the operations it implements.`;
}

export function unimplemented(spec: Unimplemented): Operation {
  return () => {
    const error = new EwsError('ErrorInvalidOperation', notImplemented(spec.operation));
    if (!spec.response) throw new EwsFault('ErrorInvalidOperation', error.message);
    if (spec.message) {
      return operationResponse(spec.operation, [
        errorMessage(spec.message, error, spec.required ?? ''),
      ]).replace(new RegExp(`m:${spec.operation}Response>`, 'g'), `m:${spec.response}>`);
    }
    return (
      `<m:${spec.response} ResponseClass="Error"><m:MessageText>${esc(error.message)}</m:MessageText>` +
      `<m:ResponseCode>${error.code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:${spec.response}>`
    );
  };
}
