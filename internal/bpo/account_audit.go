package bpo

import "time"

// The audit log's actions on accounts (EntityUser), beside ActionCreate.
const (
	ActionSetRole           = "set_role"            // an admin changed an account's role
	ActionDisable           = "disable"             // an account disabled
	ActionEnable            = "enable"              // an account enabled again
	ActionChangePassword    = "change_password"     // a user changed their own password
	ActionResetPassword     = "reset_password"      // an admin or the command line set a password
	ActionSignOutEverywhere = "sign_out_everywhere" // a user ended all their sessions
)

// RoleSnapshot is an account's role (set_role).
type RoleSnapshot struct {
	Role Role `json:"role"`
}

// DisabledSnapshot is when an account was disabled (disable, enable): nil
// while enabled.
type DisabledSnapshot struct {
	DisabledAt *time.Time `json:"disabled_at"`
}

// PasswordSnapshot is what a new password ended (change_password,
// reset_password); the hash itself never enters the log.
type PasswordSnapshot struct {
	SessionsKept  bool  `json:"sessions_kept"` // the session that changed it lives on
	TokensRevoked int64 `json:"tokens_revoked"`
}
