// Every word the page shows, by language. To add a language, copy the "en" block under
// its code ("de", "fr", "nl") and translate the values; the page picks the browser's
// language when it is here and falls back to English key by key.
"use strict";
window.I18N = {
  en: {
    signInTitle: "Sign in", extension: "Extension", secret: "Secret", signIn: "Sign in", signOut: "Sign out",
    signedInAs: "{name} ({user})", admin: "admin",
    tabConsole: "Console", tabExecutives: "Executives", tabMine: "My settings",
    streamLive: "Live", streamReconnecting: "Connection lost: reconnecting…",
    save: "Save", saved: "Saved.", reload: "Reload", cancel: "Cancel", edit: "Edit", del: "Delete", add: "Add",
    conflict: "Someone else changed this since you opened it; nothing was overwritten. Reload to see their change.",
    forbidden: "Not allowed: {why}",
    failed: "Not saved: {why}",
    // Console
    executives: "Executives", calls: "Calls", noCalls: "No calls right now.",
    filteringSwitch: "Filtering for {name}", filteringOn: "Filtering on", filteringOff: "Filtering off",
    dndBadge: "Do not disturb",
    stateRinging: "Ringing at {who}", stateAnswered: "Answered by {who}", statePushed: "On hold for the executive (ringing {exec})",
    stateExecutive: "With {exec}", stateBridged: "{exec} and {who}", stateConnected: "Connected", stateHeld: " (on hold)",
    stateOnNode: " · on {node}", elsewhere: "Act on it from {node}'s page or a phone there",
    callFor: "for {exec}", since: "{time}",
    push: "Push to executive", retrieve: "Retrieve", bridge: "Bridge in",
    pushLabel: "Push the call from {caller} to {exec}", retrieveLabel: "Retrieve the call from {caller} to {exec}",
    bridgeLabel: "Bridge into the call from {caller}",
    actionDone: "{done}", callAs: "Call as executive", callAsExecutive: "Executive", callAsNumber: "Number", callAsButton: "Call",
    callAsRinging: "Your phone rings; answer it to call {number} as {exec}.",
    unknownCaller: "Unknown caller", unknownNumber: "an unknown number",
    callOutgoing: "{who} calling {number} for {exec}", stateOutgoing: "{who} is on the call", mine: "Mine",
    // Settings
    chooseExecutive: "Executive",
    poolTitle: "Assistants", poolReadOnly: "Only the executive changes the pool.", poolEmpty: "No assistants yet.",
    up: "Move {name} up", down: "Move {name} down", remove: "Remove {name}", addAssistant: "Add assistant",
    allowOptInOutEnabled: "Assistants may opt in and out", optedOut: "opted out",
    filteringTitle: "Call filtering", enabled: "On", filterType: "Calls to filter",
    ALL_CALLS: "All calls", ALL_INTERNAL_CALLS: "Internal calls", ALL_EXTERNAL_CALLS: "External calls", CUSTOM_CALL_FILTERS: "Custom filters",
    criteriaTitle: "Custom filters", noCriteria: "No custom filters.", addFilter: "Add filter",
    filterName: "Name", scheduleName: "When (schedule)", holidayScheduleName: "Except on (holiday schedule)", always: "Always", none: "None",
    callsFrom: "Calls from", ANY_PHONE_NUMBER: "Any number", SELECT_PHONE_NUMBERS: "Selected numbers", ANY_INTERNAL: "Internal callers", ANY_EXTERNAL: "External callers",
    phoneNumbers: "Numbers (comma separated; ? one digit, * at the end any rest)",
    anonymousCallersEnabled: "Anonymous callers", unavailableCallersEnabled: "Callers with unavailable numbers",
    callsToNumbers: "Calls to (primary, mobility or numbers; comma separated; empty: any)",
    filterEnabled: "Action", filterYes: "Filter (to the assistants)", filterNo: "Do not filter (to the executive)",
    activationEnabled: "Active", deleteFilter: "Delete filter {name}", editFilter: "Edit filter {name}", activeSwitch: "Filter {name} active",
    screeningTitle: "Screening", alertType: "Alert type", SILENT: "Silent", RING_SPLASH: "Ring splash",
    alertMobilityLocationEnabled: "Alert my mobile", alertAnywhereLocationEnabled: "Alert my anywhere numbers",
    alertSharedCallAppearanceLocationEnabled: "Alert shared appearances",
    alertingTitle: "Alerting", alertingMode: "Mode", SIMULTANEOUS: "All assistants at once", SEQUENTIAL: "One after another",
    nextAssistantNumberOfRings: "Rings per assistant", rolloverEnabled: "Rollover timer", rolloverWaitTimeInSecs: "Rollover after (seconds)",
    rolloverAction: "Then", VOICE_MESSAGING: "Voicemail", FORWARD: "Forward", NO_ANSWER_PROCESSING: "Normal no-answer handling",
    rolloverForwardToPhoneNumber: "Forward to", clidNameMode: "Caller ID name shown to assistants",
    EXECUTIVE: "Executive", EXECUTIVE_ORIGINATOR: "Executive – caller", ORIGINATOR_EXECUTIVE: "Caller – executive", ORIGINATOR: "Caller", CUSTOM: "Custom",
    customCLIDName: "Custom name", clidPhoneNumberMode: "Caller ID number shown to assistants", customCLIDPhoneNumber: "Custom number",
    dndTitle: "Do not disturb", dndEnabled: "Do not disturb",
    assistantTitle: "My assistant settings", forwardFilteredCallsEnabled: "Divert filtered calls", forwardToPhoneNumber: "Divert to",
    myExecutives: "My executives", optIn: "Take calls for {name}", optInNotAllowed: "{name} does not allow opting out",
    adminNote: "Signed in as an admin: every executive's settings and calls.",
  },
};

// t looks a word up in the page's language, then English, then shows the key; {name}
// placeholders are filled from vars (as text: the page never builds HTML from them).
window.t = function (key, vars) {
  const lang = (navigator.language || "en").slice(0, 2);
  const s = (window.I18N[lang] && window.I18N[lang][key]) || window.I18N.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars && vars[k] != null ? String(vars[k]) : ""));
};
