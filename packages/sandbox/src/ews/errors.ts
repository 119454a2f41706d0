// EWS reports problems at two levels, as Exchange does:
// - a SOAP fault (HTTP 500) for the request as a whole: schema violations, bad server version,
//   impersonation refused, throttling (ErrorServerBusy, ErrorExceededConnectionCount);
// - a response message with ResponseClass="Error" (HTTP 200) for one item of a batch.

/** Values of messages.xsd ResponseCodeType that the sandbox produces. */
export type EwsResponseCode =
  | 'NoError'
  | 'ErrorAccessDenied'
  | 'ErrorCalendarIsCancelledForAccept'
  | 'ErrorCalendarIsCancelledForTentative'
  | 'ErrorCalendarIsCancelledForDecline'
  | 'ErrorCalendarIsOrganizerForAccept'
  | 'ErrorCalendarIsOrganizerForTentative'
  | 'ErrorCalendarIsOrganizerForDecline'
  | 'ErrorCalendarIsNotOrganizer'
  | 'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange'
  | 'ErrorCannotDeleteObject'
  | 'ErrorChangeKeyRequiredForWriteOperations'
  | 'ErrorExceededConnectionCount'
  | 'ErrorFolderNotFound'
  | 'ErrorImpersonateUserDenied'
  | 'ErrorImpersonationFailed'
  | 'ErrorInternalServerError'
  | 'ErrorInvalidChangeKey'
  | 'ErrorInvalidIdMalformed'
  | 'ErrorInvalidOperation'
  | 'ErrorInvalidPropertyRequest'
  | 'ErrorInvalidPropertySet'
  | 'ErrorInvalidRecipients'
  | 'ErrorInvalidRequest'
  | 'ErrorInvalidServerVersion'
  | 'ErrorInvalidSubscription'
  | 'ErrorInvalidSyncStateData'
  | 'ErrorInvalidTimeInterval'
  | 'ErrorIrresolvableConflict'
  | 'ErrorItemNotFound'
  | 'ErrorMailRecipientNotFound'
  | 'ErrorMissingRecipients'
  | 'ErrorNonExistentMailbox'
  | 'ErrorQuotaExceeded'
  | 'ErrorSchemaValidation'
  | 'ErrorServerBusy'
  | 'ErrorSubscriptionNotFound'
  | 'ErrorTimeZone'
  | 'ErrorUnsupportedPathForQuery'
  | 'ErrorUnsupportedPathForSortGroup'
  | 'ErrorCalendarEndDateIsEarlierThanStartDate'
  | 'ErrorInvalidSendItemSaveSettings'
  | 'ErrorSendAsDenied'
  | 'ErrorUnsupportedRecurrence'
  | 'ErrorInvalidExchangeImpersonationHeaderData'
  | 'ErrorCalendarOccurrenceIsDeletedFromRecurrence'
  | 'ErrorInvalidPropertyUpdateSentMessage'
  | 'ErrorMissingEmailAddress'
  | 'ErrorInvalidPropertyAppend'
  | 'ErrorInvalidPropertyDelete'
  | 'ErrorSendMeetingCancellationsRequired'
  | 'ErrorAffectedTaskOccurrencesRequired'
  | 'ErrorMailboxDataArrayEmpty'
  | 'ErrorMoveCopyFailed'
  | 'ErrorMessageDispositionRequired'
  | 'ErrorInvalidPropertyForOperation'
  | 'ErrorCalendarInvalidRecurrence'
  | 'ErrorCalendarCannotMoveOrCopyOccurrence'
  | 'ErrorCalendarCannotUseIdForOccurrenceId'
  | 'ErrorCalendarCannotUseIdForRecurringMasterId'
  | 'ErrorFolderExists'
  | 'ErrorDeleteDistinguishedFolder'
  | 'ErrorMoveDistinguishedFolder'
  | 'ErrorCannotEmptyFolder'
  | 'ErrorNameResolutionNoResults'
  | 'ErrorNameResolutionMultipleResults'
  | 'ErrorInvalidPushSubscriptionUrl'
  | 'ErrorInvalidWatermark'
  | 'ErrorInvalidPullSubscriptionId'
  | 'ErrorInvalidSubscriptionRequest'
  | 'ErrorExpiredSubscription'
  | 'ErrorInvalidAttachmentId'
  | 'ErrorInvalidReferenceItem'
  | 'ErrorInvalidFolderTypeForOperation'
  | 'ErrorInvalidIdEmpty'
  | 'ErrorUnsupportedPropertyDefinition'
  | 'ErrorInvalidExtendedProperty'
  | 'ErrorInvalidExtendedPropertyValue'
  | 'ErrorMimeContentConversionFailed'
  | 'ErrorInvalidFolderId';

/** A failure of one response message (ResponseClass="Error"); the request as a whole succeeds. */
export class EwsError extends Error {
  readonly code: EwsResponseCode;
  /** Already-serialised `<t:Value>`… children of MessageXml, if any. */
  readonly messageXml?: string;
  constructor(code: EwsResponseCode, message: string, messageXml?: string) {
    super(message);
    this.name = 'EwsError';
    this.code = code;
    this.messageXml = messageXml;
  }
}

/** A failure of the whole request, answered with a SOAP fault. */
export class EwsFault extends Error {
  readonly code: EwsResponseCode;
  readonly httpStatus: number;
  readonly messageXml?: string;
  /** SOAP faultcode: Exchange uses the response code in the types namespace, or `soap:Client`. */
  readonly faultCode: string;
  constructor(
    code: EwsResponseCode,
    message: string,
    options: { httpStatus?: number; messageXml?: string; faultCode?: string } = {},
  ) {
    super(message);
    this.name = 'EwsFault';
    this.code = code;
    this.httpStatus = options.httpStatus ?? 500;
    this.messageXml = options.messageXml;
    this.faultCode = options.faultCode ?? code;
  }
}

export function schemaViolation(violation: string, line = 1, column = 1): EwsFault {
  return new EwsFault('ErrorSchemaValidation', `The request failed schema validation: ${violation}`, {
    messageXml:
      `<t:LineNumber>${line}</t:LineNumber><t:LinePosition>${column}</t:LinePosition>` +
      `<t:Violation>${violation.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))}</t:Violation>`,
  });
}
