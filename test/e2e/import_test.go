//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	"github.com/wassist-operator/wassist-operator/test/harness"
)

const importNS = "imported"

// kubectl runs the control plane's kubectl as its admin.
func kubectl(args ...string) (string, error) {
	admin, err := testEnv.AddUser(envtest.User{Name: "import-admin", Groups: []string{"system:masters"}}, nil)
	Expect(err).NotTo(HaveOccurred())
	k, err := admin.Kubectl()
	Expect(err).NotTo(HaveOccurred())
	out, errOut, err := k.Run(args...)
	stdout, _ := io.ReadAll(out)
	stderr, _ := io.ReadAll(errOut)
	return string(stdout) + string(stderr), err
}

// importAccount runs kubectl-wassist import of the agency key into dir, the key in the
// environment, and returns everything it printed.
func importAccount(dir string) string {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "kubectl-wassist"), "import", "-n", importNS, "-o", dir,
		"--api-url=http://"+simAddr+"/api/v1/", "--rate-limit="+rateLimit)
	cmd.Env = append(os.Environ(), "WASSIST_API_KEY="+agencyKey)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	Expect(cmd.Run()).To(Succeed(), out.String())
	return out.String()
}

// writesOf counts the requests of a key that change something on Wassist.
func writesOf(key string) int {
	reqs, err := simulator().RequestsFor(ctx, key)
	Expect(err).NotTo(HaveOccurred())
	n := 0
	for _, r := range reqs {
		if r.Method != "GET" {
			n++
		}
	}
	return n
}

// notReady lists the imported objects of a kind that are not Ready, with their reasons.
func notReady(list client.ObjectList, conditions func(client.ObjectList) map[string][]metav1.Condition) func() []string {
	return func() []string {
		Expect(k8sClient.List(ctx, list, client.InNamespace(importNS))).To(Succeed())
		var out []string
		for name, conds := range conditions(list) {
			if c := meta.FindStatusCondition(conds, wassistv1alpha1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
				reason := "no Ready"
				if c != nil {
					reason = c.Reason + ": " + c.Message
				}
				out = append(out, name+" "+reason)
			}
		}
		return out
	}
}

var _ = Describe("kubectl wassist import", func() {
	It("imports a realistic account that, applied, is Ready with no write to Wassist", func() {
		dir := filepath.Join(workDir, "import")
		printed := importAccount(dir)
		Expect(printed).To(ContainSubstring("wrote 31 agents"))
		Expect(printed).To(ContainSubstring("read /agents/: 31 of 31"), "a progress line per page")

		By("the key appears in no file and nothing printed")
		Expect(printed).NotTo(ContainSubstring(agencyKey))
		files := 0
		Expect(filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				data, readErr := os.ReadFile(path)
				Expect(readErr).NotTo(HaveOccurred())
				Expect(string(data)).NotTo(ContainSubstring(agencyKey), path)
				files++
			}
			return err
		})).To(Succeed())

		By("kustomize builds it; names are valid (the server accepts them) and unique (one object per file)")
		objs, err := harness.Kustomize(ctx, dir)
		Expect(err).NotTo(HaveOccurred())
		Expect(objs).To(HaveLen(files - 1)) // every file but kustomization.yaml
		seen := map[string]bool{}
		for _, o := range objs {
			key := o.GetKind() + "/" + o.GetName()
			Expect(seen).NotTo(HaveKey(key))
			seen[key] = true
		}
		Expect(k8sClient.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: importNS}})).To(Succeed())
		out, err := kubectl("apply", "--dry-run=server", "-k", dir)
		Expect(err).NotTo(HaveOccurred(), out)

		By("the Secrets the import names, and not writes, created by the user")
		Expect(k8sClient.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "wassist-api-key", Namespace: importNS},
			StringData: map[string]string{"apiKey": agencyKey}})).To(Succeed())
		api, err := wassist.New(agencyKey, wassist.Options{BaseURL: "http://" + simAddr + "/api/v1/"})
		Expect(err).NotTo(HaveOccurred())
		agents, err := api.ListAgents(ctx)
		Expect(err).NotTo(HaveOccurred())
		for line := range strings.SplitSeq(printed, "\n") {
			name, found := strings.CutSuffix(strings.Fields(line + " x")[0], "-credit-grant,")
			if !found {
				continue
			}
			password := creditPassword(agents, dir, name)
			Expect(k8sClient.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name + "-credit-grant", Namespace: importNS},
				StringData: map[string]string{"password": password}})).To(Succeed())
		}

		By("applied, every agent and deployment is Ready, templates as Meta's review stands")
		out, err = kubectl("apply", "-k", dir)
		Expect(err).NotTo(HaveOccurred(), out)
		Eventually(notReady(&wassistv1alpha1.WassistAgentList{}, agentConditions)).WithTimeout(2 * timeout).Should(BeEmpty())
		Eventually(notReady(&wassistv1alpha1.WassistDeploymentList{}, deploymentConditions)).WithTimeout(timeout).Should(BeEmpty())
		Eventually(templatesSettled).WithTimeout(timeout).Should(BeEmpty())
		Expect(writesOf(agencyKey)).To(BeZero(), "the simulator's request log holds no POST, PATCH or DELETE")
	})
})

// creditPassword is the password of the imported agent name, read as Wassist serves it.
func creditPassword(agents []wassist.Agent, dir, name string) string {
	agent := &wassistv1alpha1.WassistAgent{}
	objs, err := harness.Kustomize(ctx, dir)
	Expect(err).NotTo(HaveOccurred())
	for _, o := range objs {
		if o.GetKind() == "WassistAgent" && o.GetName() == name {
			agent.Annotations = o.GetAnnotations()
		}
	}
	for _, a := range agents {
		if a.ID == agent.Annotations[wassistv1alpha1.AnnotationAgentID] && a.CreditSettings != nil && a.CreditSettings.CreditGrantPassword != nil {
			return *a.CreditSettings.CreditGrantPassword
		}
	}
	Fail("no credit grant password for " + name)
	return ""
}

func agentConditions(l client.ObjectList) map[string][]metav1.Condition {
	out := map[string][]metav1.Condition{}
	for _, a := range l.(*wassistv1alpha1.WassistAgentList).Items {
		out[a.Name] = a.Status.Conditions
	}
	return out
}

func deploymentConditions(l client.ObjectList) map[string][]metav1.Condition {
	out := map[string][]metav1.Condition{}
	for _, d := range l.(*wassistv1alpha1.WassistDeploymentList).Items {
		out[d.Name] = d.Status.Conditions
	}
	return out
}

// templatesSettled lists the imported templates whose Ready does not say what Meta's
// review says: Ready when approved everywhere (or observed), waiting on a review under
// way, stalled on a rejection.
func templatesSettled() []string {
	list := &wassistv1alpha1.WassistTemplateList{}
	Expect(k8sClient.List(ctx, list, client.InNamespace(importNS))).To(Succeed())
	var out []string
	for _, t := range list.Items {
		c := meta.FindStatusCondition(t.Status.Conditions, wassistv1alpha1.ConditionReady)
		switch {
		case c == nil:
			out = append(out, t.Name+" no Ready")
		case c.Status == metav1.ConditionTrue, c.Reason == wassistv1alpha1.ReasonReviewPending,
			c.Reason == wassistv1alpha1.ReasonTemplateRejected:
		default:
			out = append(out, t.Name+" "+c.Reason+": "+c.Message)
		}
	}
	return out
}
