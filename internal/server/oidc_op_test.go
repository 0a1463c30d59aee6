package server_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// testOP is a small OpenID provider over real HTTP in the test process:
// discovery, JWKS, an authorization endpoint that signs in opUser at once,
// and a token endpoint that checks the client's secret, the redirect URI
// and the PKCE verifier (S256), and accepts each code once.
type testOP struct {
	srv              *httptest.Server
	key              *rsa.PrivateKey
	clientID, secret string

	mu    sync.Mutex
	user  opUser
	codes map[string]*opCode
}

// opUser is whom the provider signs in next.
type opUser struct {
	sub, email, name string
	verified         bool
}

type opCode struct {
	redirect, nonce, challenge string
	user                       opUser
	used                       bool
}

func startOP(t *testing.T) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	op := &testOP{key: key, clientID: "bpoeval", secret: "op-client-secret", codes: map[string]*opCode{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", op.discovery)
	mux.HandleFunc("GET /keys", op.keys)
	mux.HandleFunc("GET /authorize", op.authorize)
	mux.HandleFunc("POST /token", op.token)
	op.srv = httptest.NewServer(mux)
	t.Cleanup(op.srv.Close)
	return op
}

func (op *testOP) signInAs(u opUser) {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.user = u
}

func (op *testOP) discovery(w http.ResponseWriter, _ *http.Request) {
	u := op.srv.URL
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": u, "authorization_endpoint": u + "/authorize", "token_endpoint": u + "/token",
		"jwks_uri": u + "/keys", "response_types_supported": []string{"code"},
		"subject_types_supported": []string{"public"}, "id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported": []string{"S256"},
	})
}

func (op *testOP) keys(w http.ResponseWriter, _ *http.Request) {
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &op.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"},
	}})
}

func (op *testOP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != op.clientID ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("nonce") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := random()
	op.mu.Lock()
	op.codes[code] = &opCode{redirect: q.Get("redirect_uri"), nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), user: op.user}
	op.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	v := to.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

func (op *testOP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != op.clientID || secret != op.secret {
		tokenError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	op.mu.Lock()
	c := op.codes[r.PostFormValue("code")]
	replay := c != nil && c.used
	if c != nil {
		c.used = true
	}
	op.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	switch {
	case r.PostFormValue("grant_type") != "authorization_code" || c == nil || replay:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	case c.redirect != r.PostFormValue("redirect_uri"), base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{
		"iss": op.srv.URL, "sub": c.user.sub, "aud": op.clientID, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": c.nonce, "email": c.user.email, "email_verified": c.user.verified, "name": c.user.name,
	})
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: op.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	var idToken string
	if err == nil {
		var obj *jose.JSONWebSignature
		if obj, err = signer.Sign(claims); err == nil {
			idToken, err = obj.CompactSerialize()
		}
	}
	if err != nil {
		tokenError(w, http.StatusInternalServerError, "server_error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300, "id_token": idToken})
}

func tokenError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
