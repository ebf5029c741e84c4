package api

import "net/http"

// routes is the whole API: the mux and the OpenAPI document are both built from it.
func routes() []route {
	people := "/v1/people/{id}/executive/"
	return append([]route{
		{method: "POST", pattern: "/v1/login", public: true, summary: "Sign in with extension (or admin name) and secret: sets the session cookie, returns a bearer token and the CSRF token",
			body: loginBody{}, resp: loginReply{}, handle: handleLogin},
		{method: "POST", pattern: "/v1/logout", summary: "Sign out (ends the session)", handle: handleLogout},
		{method: "GET", pattern: "/v1/me", summary: "Who is signed in and which services they have", resp: Me{}, handle: handleMe},
		{method: "GET", pattern: people + "alert", summary: "Alerting: mode, rings, rollover, caller ID", resp: Alert{}, handle: alertSetting.get},
		{method: "PUT", pattern: people + "alert", summary: "Change alerting (partial; If-Match honoured)", body: Alert{}, resp: Alert{}, handle: alertSetting.put},
		{method: "GET", pattern: people + "assignedAssistants", summary: "The pool, in alerting order, and whether assistants may opt in/out", resp: AssignedAssistants{}, handle: poolSetting.get},
		{method: "PUT", pattern: people + "assignedAssistants", summary: "Change the pool (executive or admin only)", body: AssignedAssistants{}, resp: AssignedAssistants{}, handle: poolSetting.put},
		{method: "GET", pattern: people + "assistantPermissions", summary: "What each assistant of the pool may do for the executive (receive filtered calls, place calls, change settings, pick up held calls, join calls)", resp: AssistantPermissionsList{}, handle: permissionsSetting.get},
		{method: "PUT", pattern: people + "assistantPermissions", summary: "Change what assistants may do (executive or admin only; listed assistants and fields only)", body: AssistantPermissionsList{}, resp: AssistantPermissionsList{}, handle: permissionsSetting.put},
		{method: "GET", pattern: people + "availableAssistants", summary: "Users with the assistant service not yet in the pool", resp: Available{}, handle: availableSetting.get},
		{method: "GET", pattern: people + "callFiltering", summary: "Call filtering: on/off, type, criteria", resp: CallFiltering{}, handle: filteringSetting.get},
		{method: "PUT", pattern: people + "callFiltering", summary: "Change call filtering (the BLF lamp follows)", body: CallFiltering{}, resp: CallFiltering{}, handle: filteringSetting.put},
		{method: "POST", pattern: people + "callFiltering/criteria", summary: "Add a custom filter (201, Location of the new criterion)", body: CriterionDetail{}, resp: CriterionDetail{}, handle: handleCriterionCreate},
		{method: "GET", pattern: people + "callFiltering/criteria/{criteriaId}", summary: "One custom filter in full", resp: CriterionDetail{}, handle: handleCriterionGet},
		{method: "PUT", pattern: people + "callFiltering/criteria/{criteriaId}", summary: "Change a custom filter (partial; If-Match honoured; renaming changes its id)", body: CriterionDetail{}, resp: CriterionDetail{}, handle: handleCriterionPut},
		{method: "DELETE", pattern: people + "callFiltering/criteria/{criteriaId}", summary: "Delete a custom filter (If-Match honoured; the last one only when the type is not custom)", handle: handleCriterionDelete},
		{method: "GET", pattern: people + "screening", summary: "Screening: on/off, alert type, locations", resp: Screening{}, handle: screeningSetting.get},
		{method: "PUT", pattern: people + "screening", summary: "Change screening", body: Screening{}, resp: Screening{}, handle: screeningSetting.put},
		{method: "GET", pattern: people + "availability", summary: "What the executive is doing now (in a meeting, out of office, busy), until when, and what a call does meanwhile", resp: Availability{}, handle: availabilitySetting.get},
		{method: "PUT", pattern: people + "availability", summary: "Set or clear the executive's status (it ends by itself at until) and the actions per status", body: Availability{}, resp: Availability{}, handle: availabilitySetting.put},
		{method: "GET", pattern: people + "numberLists", summary: "Number lists for custom filters (the organisation's and the executive's own) and which go straight to the executive", resp: NumberLists{}, handle: listsSetting.get},
		{method: "PUT", pattern: people + "numberLists", summary: "Change the executive's own lists and the bypass (the organisation's numbers are the YAML's)", body: NumberLists{}, resp: NumberLists{}, handle: listsSetting.put},
		{method: "GET", pattern: people + "handOffs", summary: "Hand-offs: announced push (the executive hears who it is and presses 1, 2 or 3), caller name capture", resp: HandOffs{}, handle: handOffsSetting.get},
		{method: "PUT", pattern: people + "handOffs", summary: "Change the hand-offs (partial; If-Match honoured)", body: HandOffs{}, resp: HandOffs{}, handle: handOffsSetting.put},
		{method: "GET", pattern: people + "assistant", summary: "An assistant's divert and executives (with opt-in)", resp: AssistantSettings{}, handle: assistantSetting.get},
		{method: "PUT", pattern: people + "assistant", summary: "Change divert and opt-in/out (where the executive allows it)", body: AssistantSettings{}, resp: AssistantSettings{}, handle: assistantSetting.put},
		{method: "GET", pattern: "/v1/people/{id}/doNotDisturb", summary: "A user's own do not disturb", resp: DoNotDisturb{}, handle: dndSetting.get},
		{method: "PUT", pattern: "/v1/people/{id}/doNotDisturb", summary: "Set do not disturb (an executive gets no screening legs, an assistant is skipped)", body: DoNotDisturb{}, resp: DoNotDisturb{}, handle: dndSetting.put},
		{method: "GET", pattern: "/v1/calls", summary: "Live calls the user may see", resp: Calls{}, handle: handleCalls},
		{method: "GET", pattern: "/v1/calls/history", summary: "Today's ended calls the user may see, newest first (at most 50), from the call journal", resp: History{}, handle: handleHistory},
		{method: "POST", pattern: "/v1/calls/{id}/push", summary: "Push the call at this assistant to the executive (as #63)", resp: ActionReply{}, handle: handlePush},
		{method: "POST", pattern: "/v1/calls/{id}/retrieve", summary: "Ring the executive's phones; on answer they take the call from the assistant (as *11)", resp: ActionReply{}, handle: handleRetrieve},
		{method: "POST", pattern: "/v1/calls/{id}/bridge", summary: "Ring the asker's phones; on answer they join the call with the warning tone (as *15)", resp: ActionReply{}, handle: handleBridge},
		{method: "POST", pattern: "/v1/calls/{id}/answer", summary: "Answer a call ringing at the asker's phone there: the phone answers by itself (auto-answer header)", resp: ActionReply{}, handle: handleAnswer},
		{method: "POST", pattern: "/v1/calls/{id}/hold", summary: "Put the far end on hold (music on hold); only someone on the call", resp: ActionReply{}, handle: handleHold},
		{method: "POST", pattern: "/v1/calls/{id}/resume", summary: "Take the far end off hold; only someone on the call", resp: ActionReply{}, handle: handleResume},
		{method: "POST", pattern: "/v1/calls/{id}/transfer", summary: "Ring a number (the executive's calling permissions apply); when it answers it takes the asker's place in the call", body: TransferBody{}, resp: ActionReply{}, handle: handleTransfer},
		{method: "POST", pattern: "/v1/calls/{id}/voicemail", summary: "Send the caller to the executive's voicemail: a ringing call (the pool, the executive), an answered one (whoever is on it)", resp: ActionReply{}, handle: handleVoicemail},
		{method: "POST", pattern: "/v1/calls/{id}/hangup", summary: "End the call for everyone on it; only someone on the call", resp: ActionReply{}, handle: handleHangup},
		{method: "POST", pattern: "/v1/intercom", summary: "Ring the asker's phone (it answers by itself); then the executive or assistant named answers by itself too (as #68)", body: IntercomBody{}, resp: ActionReply{}, handle: handleIntercom},
		{method: "POST", pattern: "/v1/calls/initiate", summary: "Ring the asker's phone; on answer call the destination as the executive (as #64, same calling permissions)", body: InitiateBody{}, resp: ActionReply{}, handle: handleInitiate},
		{method: "GET", pattern: "/v1/admin/users", summary: "Admin: every user and their services, pools, whether they can sign in", resp: AdminUsers{}, handle: handleAdminUsers},
		{method: "PUT", pattern: "/v1/admin/users/{id}/secret", summary: "Admin: set or reset a user's sign-in secret (hashed at once, never shown; audited)", body: SecretBody{}, handle: handleAdminSecret},
		{method: "GET", pattern: "/v1/admin/audit", summary: "Admin: the audit log, newest first, with what changed in words (?who=, ?limit=)", resp: AdminAudit{}, handle: handleAdminAudit},
		{method: "GET", pattern: "/v1/admin/journal", summary: "Admin: the call journal, newest first, whole records (?executive=, ?limit=)", resp: AdminJournal{}, handle: handleAdminJournal},
		{method: "GET", pattern: "/v1/admin/health", summary: "Admin: ARI and store health, the settings' source and freshness", resp: AdminHealth{}, handle: handleAdminHealth},
		{method: "GET", pattern: "/v1/events", summary: "Server-Sent Events: call, call-ended, setting", handle: handleEvents},
		{method: "GET", pattern: "/v1/openapi.json", public: true, summary: "This document", handle: handleOpenAPI},
	}, webexRoutes()...)
}

func handleOpenAPI(_ *Server, w http.ResponseWriter, _ *request) error {
	writeJSON(w, http.StatusOK, openAPI())
	return nil
}
