#pragma once

namespace lanspread::platform::win {

// What the console control handler of StopRequests does with a control
// event (CTRL_C_EVENT, CTRL_CLOSE_EVENT, ...): tells the active StopRequests,
// and for a close, logoff or shutdown returns only once it is destroyed.
// True when the event was handled. Exposed so the tests can deliver the
// events a console cannot generate (close, logoff, shutdown).
bool deliver_console_event(unsigned long event);

}  // namespace lanspread::platform::win
