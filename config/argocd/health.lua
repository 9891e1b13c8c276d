-- Argo CD health of a WassistAgent, WassistDeployment or WassistTemplate, read from the conditions the
-- operator sets (docs/gitops.md): Stalled -> Degraded, Reconciling -> Progressing,
-- Ready -> Healthy, the paused annotation -> Suspended.
local hs = { status = "Progressing", message = "Waiting for the operator to report" }
local function condition(type)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end
local function said(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return c.reason
end
if obj.metadata.deletionTimestamp ~= nil then
  hs.message = "Deleting"
  return hs
end
if obj.metadata.annotations ~= nil and obj.metadata.annotations["wassist.app/paused"] == "true" then
  hs.status = "Suspended"
  hs.message = "Paused by the wassist.app/paused annotation: no API traffic"
  return hs
end
if obj.status == nil or obj.status.observedGeneration ~= obj.metadata.generation then
  return hs
end
local stalled = condition("Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = said(stalled)
  return hs
end
local reconciling = condition("Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = said(reconciling)
  return hs
end
local ready = condition("Ready")
if ready ~= nil and ready.status == "True" then
  hs.status = "Healthy"
  hs.message = said(ready)
elseif ready ~= nil then
  hs.message = said(ready)
end
return hs
